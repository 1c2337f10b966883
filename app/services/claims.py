"""Claiming with long-poll: claim from the store, then wait for local arrivals or a bounded re-check.

Fixes over Tasques: ``block_for`` of zero still makes one claim pass (Tasques returned ``[]`` without
looking); tasks already claimed when a client disconnects are unclaimed rather than left to time out.
"""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from app.domain.errors import InvalidInput, NotClaimable, TaskNotFound, TasquesError, VersionConflict
from app.domain.history import TaskEventKind, task_event
from app.domain.ids import new_lease_token
from app.domain.queue_names import ensure_valid_queue_name
from app.domain.task import Claimant, Task
from app.services.arrivals import ArrivalWaiter
from app.services.task_service import TaskServiceDependencies
from app.storage.port import ClaimRequest

ClientGone = Callable[[], Awaitable[bool]]


@dataclass(frozen=True, kw_only=True)
class ClaimOrder:
    worker_id: str
    queues: tuple[str, ...]
    amount: int
    block_for: timedelta


class ClaimService:
    def __init__(self, dependencies: TaskServiceDependencies) -> None:
        self._store = dependencies.store
        self._limits = dependencies.policies.limits
        self._clock = dependencies.clock
        self._arrivals = dependencies.arrivals
        self._history = dependencies.history
        self._activity = dependencies.activity
        self._paused = dependencies.paused

    def validate(self, order: ClaimOrder) -> None:
        if not order.worker_id.strip():
            raise InvalidInput("Worker Id header [X-TASQUES-WORKER-ID] not sent")
        for queue in order.queues:
            ensure_valid_queue_name(queue)
        if not 0 <= order.amount <= self._limits.max_claim_amount:
            raise InvalidInput(f"amount must be between 0 and {self._limits.max_claim_amount}")
        if order.block_for > self._limits.max_block_for:
            raise InvalidInput(f"block_for must be at most {self._limits.max_block_for.total_seconds():g}s")

    async def claim(self, order: ClaimOrder, *, client_gone: ClientGone | None = None) -> list[Task]:
        self.validate(order)
        if order.amount == 0:
            return []
        started = self._clock.monotonic()
        deadline = started + max(order.block_for.total_seconds(), 0.0)
        claimed: list[Task] = []
        try:
            result = await self._claim_until_done(order, deadline, claimed, client_gone)
            self._activity.claimed(result, request_seconds=self._clock.monotonic() - started)
            return result
        except asyncio.CancelledError:
            # Server shutdown cancels in-flight requests; hand back what this request had won.
            await asyncio.shield(self._release(order, claimed))
            raise

    async def _claim_until_done(
        self, order: ClaimOrder, deadline: float, claimed: list[Task], client_gone: ClientGone | None
    ) -> list[Task]:
        with self._arrivals.waiting_for(order.queues) as waiter:
            while True:
                if len(claimed) < order.amount:
                    await self._claim_from_store(order, claimed)
                remaining = deadline - self._clock.monotonic()
                if len(claimed) >= order.amount or remaining <= 0 or self._arrivals.closing.is_set():
                    return claimed
                await self._wait_for_arrivals(waiter, remaining)
                await self._claim_offered(order, waiter.take_offered(), claimed)
                if client_gone is not None and await client_gone():
                    await self._release(order, claimed)
                    claimed.clear()
                    return []

    async def _claim_from_store(self, order: ClaimOrder, claimed: list[Task]) -> None:
        """Adds the tasks won to ``claimed`` as soon as the store answers, so a cancellation that arrives
        while the store call is in flight still leaves them in the list that ``claim`` hands back."""
        at = self._clock.now_utc()
        request = ClaimRequest(
            queues=order.queues,
            amount=order.amount - len(claimed),
            at=at,
            excluded_queues=await self._paused.current(),
        )
        in_flight = asyncio.ensure_future(
            self._store.claim_tasks(
                request,
                lambda task: task.claim(worker_id=order.worker_id, at=at, lease_token=new_lease_token()),
            )
        )
        try:
            outcome = await asyncio.shield(in_flight)
        except asyncio.CancelledError:
            claimed.extend((await in_flight).claimed)
            raise
        claimed.extend(outcome.claimed)
        self._activity.conflicted(outcome.conflicts)
        await self._record_claims(outcome.claimed)

    async def _record_claims(self, claimed: list[Task]) -> None:
        await self._history.record(
            [task_event(task, TaskEventKind.CLAIMED, at=task.metadata.modified_at) for task in claimed]
        )

    async def _wait_for_arrivals(self, waiter: ArrivalWaiter, remaining: float) -> None:
        timeout = min(remaining, self._limits.claim_recheck_interval.total_seconds())
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(waiter.arrived.wait(), timeout)

    async def _claim_offered(self, order: ClaimOrder, offered: list[Task], claimed: list[Task]) -> None:
        """Conditional claim by id of tasks just enqueued here; losers of the race are skipped."""
        won: list[Task] = []
        paused = await self._paused.current()
        for task in sorted(offered, key=lambda task: (-task.priority, task.run_at, task.last_enqueued_at)):
            at = self._clock.now_utc()
            if len(claimed) >= order.amount or not task.is_claimable(at=at) or task.queue in paused:
                continue
            try:
                updated = task.claim(worker_id=order.worker_id, at=at, lease_token=new_lease_token())
                won.append(await self._store.update_task(task, updated))
            except (VersionConflict, TaskNotFound, NotClaimable):
                continue
            claimed.append(won[-1])
        await self._record_claims(won)

    async def _release(self, order: ClaimOrder, claimed: list[Task]) -> None:
        """Hand tasks back when nobody is left to receive them; a failure leaves them to the reaper."""
        for task in claimed:
            claimant = Claimant(worker_id=order.worker_id, lease_token=task.lease_token)
            with contextlib.suppress(TasquesError):
                released = await self._store.update_task(
                    task, task.unclaim(claimant, at=self._clock.now_utc())
                )
                self._arrivals.publish([released])
