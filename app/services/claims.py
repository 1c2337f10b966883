"""Claiming with long-poll: claim from the store, then wait for local arrivals or a bounded re-check.

Fixes over Tasques: ``block_for`` of zero still makes one claim pass (Tasques returned ``[]`` without
looking); tasks already claimed when a client disconnects are unclaimed rather than left to time out.

Flow control (``app.services.flow_control``): every claim pass, the hand-off of just-enqueued tasks
included, goes through ``TaskStore.claim_tasks`` with the configured limits and the worker's declared
capabilities, so queue and key concurrency, rates, fairness and capability matching are decided by the
store and hold across servers. A task held back by a limit stays queued and the claim simply returns
fewer tasks (or keeps long-polling); the passes' throttled counts go to ``TaskActivity.throttled``.

Shutdown (``ArrivalBoard.stop_claiming``, called the moment the server is told to stop): a blocked
long-poll wakes and answers with what it already holds, as when ``block_for`` runs out, and a new claim
is refused with ``ServerShuttingDown`` (503 + Retry-After) so the worker sends it to another server. A
long-poll cancelled anyway (the drain timed out) hands its tasks back in a background task; the wiring
root waits for those (``hand_backs_finished``) before it closes the store.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from app.domain.errors import InvalidInput, ServerShuttingDown, TasquesError
from app.domain.flow import normalized_capabilities
from app.domain.history import TaskEvent, TaskEventKind, task_event
from app.domain.ids import new_lease_token
from app.domain.queue_names import ensure_valid_queue_name
from app.domain.task import Claimant, Task
from app.services.arrivals import ArrivalWaiter
from app.services.flow_control import FlowControl
from app.services.task_service import TaskServiceDependencies
from app.storage.port import ClaimOutcome, ClaimRequest

ClientGone = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, kw_only=True)
class ClaimOrder:
    worker_id: str
    queues: tuple[str, ...]
    amount: int
    block_for: timedelta
    capabilities: frozenset[str] | None = None
    """What the worker declared (``gpu``, ``py3.12``...); tasks requiring more are not handed to it."""


class ClaimService:
    def __init__(self, dependencies: TaskServiceDependencies) -> None:
        self._store = dependencies.store
        self._limits = dependencies.policies.limits
        self._defaults = dependencies.policies.defaults
        self._clock = dependencies.clock
        self._arrivals = dependencies.arrivals
        self._history = dependencies.history
        self._activity = dependencies.activity
        self._paused = dependencies.paused
        self._flow = FlowControl(dependencies.policies.flow_control, store=self._store, clock=self._clock)
        self._hand_backs: set[asyncio.Task[None]] = set()

    @property
    def flow(self) -> FlowControl:
        return self._flow

    def order_with_defaults(
        self,
        worker_id: str,
        queues: Sequence[str],
        *,
        amount: int | None,
        block_for: timedelta | None,
        capabilities: Sequence[str] | None,
    ) -> ClaimOrder:
        """A worker's claim, with the amount and wait it left out taken from the server's task defaults."""
        return ClaimOrder(
            worker_id=worker_id,
            queues=tuple(queues),
            amount=self._defaults.claim_amount if amount is None else amount,
            block_for=self._defaults.block_for if block_for is None else block_for,
            capabilities=frozenset(capabilities) if capabilities else None,
        )

    def validate(self, order: ClaimOrder) -> None:
        if not order.worker_id.strip():
            raise InvalidInput("Worker Id header [X-TASQUES-WORKER-ID] not sent")
        for queue in order.queues:
            ensure_valid_queue_name(queue)
        normalized_capabilities(order.capabilities, field="capabilities")
        if not 0 <= order.amount <= self._limits.max_claim_amount:
            raise InvalidInput(f"amount must be between 0 and {self._limits.max_claim_amount}")
        if order.block_for > self._limits.max_block_for:
            raise InvalidInput(f"block_for must be at most {self._limits.max_block_for.total_seconds():g}s")

    async def claim(self, order: ClaimOrder, *, client_gone: ClientGone | None = None) -> list[Task]:
        self.validate(order)
        if self._stopping:
            raise ServerShuttingDown()
        if order.amount == 0:
            return []
        started = self._clock.monotonic()
        deadline = started + max(order.block_for.total_seconds(), 0.0)
        claimed: list[Task] = []
        await self._flow.saw(order.capabilities)
        try:
            result = await self._claim_until_done(order, deadline, claimed, client_gone)
            self._activity.claimed(result, request_seconds=self._clock.monotonic() - started)
            return result
        except asyncio.CancelledError:
            # Server shutdown cancels in-flight requests; hand back what this request had won.
            await asyncio.shield(self._hand_back_in_background(order, claimed))
            raise

    async def hand_backs_finished(self) -> None:
        """Wait for cut-off claims to hand their tasks back (they need the store, so the server closes
        it only after this). Cancelling the wait leaves the hand-backs running."""
        if self._hand_backs:
            await asyncio.wait(set(self._hand_backs))

    @property
    def _stopping(self) -> bool:
        return self._arrivals.claiming_stopped.is_set()

    def _hand_back_in_background(self, order: ClaimOrder, claimed: list[Task]) -> "asyncio.Task[None]":
        hand_back = asyncio.create_task(self._release(order, list(claimed)), name="tasques-claim-hand-back")
        self._hand_backs.add(hand_back)
        hand_back.add_done_callback(self._hand_backs.discard)
        return hand_back

    async def _claim_until_done(
        self, order: ClaimOrder, deadline: float, claimed: list[Task], client_gone: ClientGone | None
    ) -> list[Task]:
        with self._arrivals.waiting_for(order.queues) as waiter:
            while True:
                if len(claimed) < order.amount and not self._stopping:
                    await self._claim_from_store(order, claimed)
                remaining = deadline - self._clock.monotonic()
                if len(claimed) >= order.amount or remaining <= 0 or self._stopping:
                    return claimed
                await self._wait_for_arrivals(waiter, remaining)
                if not self._stopping:
                    await self._claim_offered(order, waiter.take_offered(), claimed)
                if client_gone is not None and await client_gone():
                    await self._release(order, claimed)
                    claimed.clear()
                    return []

    async def _claim_from_store(
        self, order: ClaimOrder, claimed: list[Task], offered: tuple[Task, ...] = ()
    ) -> None:
        """Adds the tasks won to ``claimed`` as soon as the store answers, so a cancellation that arrives
        while the store call is in flight still leaves them in the list that ``claim`` hands back.

        ``offered``: claim only from these just-enqueued tasks (the hand-off) instead of searching."""
        at = self._clock.now_utc()
        request = ClaimRequest(
            queues=order.queues,
            amount=order.amount - len(claimed),
            at=at,
            excluded_queues=await self._paused.current(),
            flow=self._flow.options,
            capabilities=order.capabilities or None,
            offered=offered,
        )
        in_flight = asyncio.ensure_future(
            self._store.claim_tasks(
                request,
                lambda task: task.claim(worker_id=order.worker_id, at=at, lease_token=new_lease_token()),
                events_for=_claimed_events,
            )
        )
        try:
            outcome = await asyncio.shield(in_flight)
        except asyncio.CancelledError:
            claimed.extend((await in_flight).claimed)
            raise
        claimed.extend(outcome.claimed)
        self._report(outcome)
        self._history.counted(outcome.events)

    def _report(self, outcome: ClaimOutcome) -> None:
        self._activity.conflicted(outcome.conflicts)
        if outcome.throttled:
            self._activity.throttled(outcome.throttled)

    async def _wait_for_arrivals(self, waiter: ArrivalWaiter, remaining: float) -> None:
        timeout = min(remaining, self._limits.claim_recheck_interval.total_seconds())
        with contextlib.suppress(TimeoutError):
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that races it.
            async with asyncio.timeout(timeout):
                await waiter.arrived.wait()

    async def _claim_offered(self, order: ClaimOrder, offered: list[Task], claimed: list[Task]) -> None:
        """Claim tasks just enqueued here straight from their creation versions (no search, so no wait
        for a refresh); losers of the race are skipped, limits and capabilities apply as always."""
        wanted = tuple(task for task in offered if task.is_claimable(at=self._clock.now_utc()))
        if wanted and len(claimed) < order.amount:
            await self._claim_from_store(order, claimed, offered=wanted)

    async def _release(self, order: ClaimOrder, claimed: list[Task]) -> None:
        """Hand tasks back when nobody is left to receive them; a failure leaves them to the reaper."""
        for task in claimed:
            claimant = Claimant(worker_id=order.worker_id, lease_token=task.lease_token)
            with contextlib.suppress(TasquesError):
                released = await self._store.update_task(
                    task, task.unclaim(claimant, at=self._clock.now_utc())
                )
                await self._flow.released(task, released)
                self._arrivals.publish([released])


def _claimed_events(task: Task) -> tuple[TaskEvent, ...]:
    """Written by the store with the claim itself (one transaction on SQLite)."""
    return (task_event(task, TaskEventKind.CLAIMED, at=task.metadata.modified_at),)
