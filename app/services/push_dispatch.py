"""Push delivery: the leader claims tasks on each registered HTTP worker's behalf and POSTs them to it.

Claiming goes through the normal claim path (``ClaimService``, so paused queues, claim order, flow
limits, capability matching, leases and history behave as for any worker) with the worker id
``push:<id>`` and the capabilities the worker registered. A worker never holds more than its
``max_in_flight`` tasks: before claiming, the dispatcher counts the tasks currently claimed by
``push:<id>`` — the ones a search finds (which covers claims a previous leader made) plus the ones this
dispatcher claimed itself (which covers claims too recent for a near-real-time search) — each checked by
a realtime multi-get, and claims only the difference.

Each delivery is one POST of ``{"task", "worker_id", "lease_token", "sent_at"}`` signed with HMAC-SHA256
over the body (``push_signing``), the lease token also in ``X-TASQUES-LEASE-TOKEN``. Deliveries run in
the background so a slow worker never holds up a pass; the answer decides what happens next:

* 202: accepted; the worker reports later through the normal report/done/failed endpoints with
  ``X-TASQUES-WORKER-ID: push:<id>`` and the lease token (or the reaper times the task out).
* any other 2xx: the push answer is the outcome: ``{"outcome": "done" | "failed", "data": {...}}``
  (an empty body means done). A worker that already reported through the API makes this a no-op.
* no connection, or a non-2xx status: the task was not taken; it is unclaimed at once (the attempt is
  refunded, so a pull worker or another push worker gets it right away) and the worker is backed off.
* no answer within the request timeout: the worker may have the task, so it stays claimed (the worker
  can still report it; otherwise the reaper times it out) and the worker is backed off.

Back-off is per worker and lives in its registration record (``consecutive_failures``, ``retry_at``),
written by compare-and-swap, so a new leader honours it. Failures of deliveries that were already under
way when an earlier failure was recorded do not count again. Once ``retry_at`` passes, one task at a
time is sent as a probe; the first 2xx clears the back-off.
"""

import asyncio
import contextlib
import json
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Protocol

from app.clock import Clock
from app.domain.backoff import BackoffPolicy
from app.domain.errors import (
    LeaseSuperseded,
    NotClaimed,
    NotOwnedByWorker,
    PushWorkerNotFound,
    TaskNotFound,
    TasquesError,
    VersionConflict,
)
from app.domain.push_workers import PushWorker
from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.domain.task import Claimant, JsonObject, Task
from app.services.claims import ClaimOrder, ClaimService
from app.services.conflict_retry import retry_on_conflict
from app.services.push_sender import DeliveryFailed, PushResponse, PushSender
from app.services.push_signing import SIGNATURE_HEADER, sign
from app.services.push_workers import claiming_worker_id
from app.services.task_service import TaskService
from app.storage.port import PushWorkerStore, TaskStore

_log = logging.getLogger(__name__)

TaskKey = tuple[str, str]
TaskRenderer = Callable[[Task], JsonObject]
WORKER_HEADER = "X-TASQUES-WORKER-ID"
LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"
MAX_ERROR_CHARACTERS = 500


class PushDispatchStore(TaskStore, PushWorkerStore, Protocol):
    """Dispatching reads registrations and claimed tasks, and writes back-off state."""


@dataclass
class DispatchReport:
    workers: int = 0
    claimed: int = 0
    backing_off: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    """How deliveries that ended since the previous pass went: done, failed, accepted, unclaimed, ..."""
    errors: list[str] = field(default_factory=list)

    @property
    def work_done(self) -> int:
        return self.claimed + sum(self.outcomes.values()) + len(self.errors)


@dataclass(frozen=True, kw_only=True)
class PushDispatcherDependencies:
    store: PushDispatchStore
    claims: ClaimService
    tasks: TaskService
    sender: PushSender
    render: TaskRenderer
    clock: Clock
    backoff: BackoffPolicy
    rng: random.Random


class PushDispatcher:
    def __init__(self, dependencies: PushDispatcherDependencies) -> None:
        self._store = dependencies.store
        self._claims = dependencies.claims
        self._tasks = dependencies.tasks
        self._sender = dependencies.sender
        self._render = dependencies.render
        self._clock = dependencies.clock
        self._backoff = dependencies.backoff
        self._rng = dependencies.rng
        self._held: dict[str, set[TaskKey]] = {}
        self._delivering: Counter[str] = Counter()
        self._deliveries: set[asyncio.Task[None]] = set()
        self._outcomes: Counter[str] = Counter()

    async def dispatch_once(self) -> DispatchReport:
        report = DispatchReport(outcomes=self._outcomes)
        self._outcomes = Counter()
        listed = await self._store.list_push_workers()
        report.workers = len(listed)
        for worker in listed:
            try:
                await self._serve(worker.id, report)
            except PushWorkerNotFound:
                continue  # deleted since the listing
            except TasquesError as error:
                report.errors.append(f"{worker.id}: {error.message}")
        for gone in set(self._held) - {worker.id for worker in listed}:
            del self._held[gone]
        return report

    async def settle(self) -> None:
        """Wait for every delivery under way (tests, and shutdown through ``close``)."""
        while self._deliveries:
            await asyncio.gather(*self._deliveries, return_exceptions=True)

    async def close(self, *, grace: timedelta) -> None:
        """Let deliveries under way finish for up to ``grace``, cancel the rest (their tasks stay
        claimed and the reaper times them out), and close the HTTP client."""
        if self._deliveries:
            _done, pending = await asyncio.wait(set(self._deliveries), timeout=grace.total_seconds())
            for delivery in pending:
                delivery.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        await self._sender.close()

    async def _serve(self, worker_id: str, report: DispatchReport) -> None:
        worker = await self._store.get_push_worker(worker_id)  # realtime: the latest back-off state
        at = self._clock.now_utc()
        if worker.retry_at is not None and worker.retry_at > at:
            report.backing_off += 1
            return
        held = await self._holding(worker)
        room = worker.max_in_flight - len(held)
        if worker.consecutive_failures:
            # Probing a worker that failed: one task at a time until a delivery succeeds.
            room = 0 if self._delivering[worker.id] else min(room, 1)
        if room <= 0:
            return
        order = ClaimOrder(
            worker_id=claiming_worker_id(worker.id),
            queues=worker.queues,
            amount=room,
            block_for=timedelta(0),
            capabilities=frozenset(worker.capabilities) or None,
        )
        claimed = await self._claims.claim(order)
        held.update((task.queue, task.id) for task in claimed)
        report.claimed += len(claimed)
        for task in claimed:
            self._start_delivery(worker, task, started=at)

    async def _holding(self, worker: PushWorker) -> set[TaskKey]:
        """The tasks claimed by this push worker right now."""
        claimant = claiming_worker_id(worker.id)
        page = await self._store.search_tasks(
            TaskQuery(states=(TaskState.CLAIMED,), worker_id=claimant),
            limit=worker.max_in_flight,
            cursor=None,
        )
        keys = sorted(self._held.get(worker.id, set()) | {(task.queue, task.id) for task in page.tasks})
        found = await self._store.get_tasks(keys) if keys else []
        held = {
            key
            for key, task in zip(keys, found, strict=True)
            if isinstance(task, Task) and task.state is TaskState.CLAIMED and _claimed_by(task, claimant)
        }
        self._held[worker.id] = held
        return held

    def _start_delivery(self, worker: PushWorker, task: Task, *, started: datetime) -> None:
        delivery = asyncio.create_task(
            self._deliver(worker, task, started=started),
            name=f"push-delivery:{worker.id}:{task.queue}/{task.id}",
        )
        self._deliveries.add(delivery)
        self._delivering[worker.id] += 1

        def ended(finished: asyncio.Task[None]) -> None:
            self._deliveries.discard(finished)
            self._delivering[worker.id] -= 1
            if not self._delivering[worker.id]:
                del self._delivering[worker.id]

        delivery.add_done_callback(ended)

    async def _deliver(self, worker: PushWorker, task: Task, *, started: datetime) -> None:
        try:
            outcome = await self._delivered(worker, task, started=started)
        except TasquesError as error:
            _log.warning("push delivery of %s/%s to %s: %s", task.queue, task.id, worker.id, error.message)
            outcome = "store_error"
        except Exception:
            _log.exception("push delivery of %s/%s to %s failed unexpectedly", task.queue, task.id, worker.id)
            outcome = "error"
        self._outcomes[outcome] += 1

    async def _delivered(self, worker: PushWorker, task: Task, *, started: datetime) -> str:
        body = self._body(worker, task)
        claimant = Claimant(worker_id=claiming_worker_id(worker.id), lease_token=task.lease_token)
        try:
            response = await self._sender.post(worker.url, body=body, headers=_headers(worker, task, body))
        except DeliveryFailed as failure:
            await self._record_failure(worker, failure.reason, started=started)
            if failure.maybe_delivered:
                return "no_answer"
            return await self._unclaimed(task, claimant)
        if not 200 <= response.status < 300:
            await self._record_failure(worker, f"answered HTTP {response.status}", started=started)
            return await self._unclaimed(task, claimant)
        await self._record_success(worker)
        return await self._settled(task, claimant, response)

    async def _settled(self, task: Task, claimant: Claimant, response: PushResponse) -> str:
        if response.status == 202:
            return "accepted"
        outcome, data = _answer(response.body)
        try:
            if outcome == "done":
                await self._tasks.mark_done(task.queue, task.id, claimant, data)
            else:
                await self._tasks.mark_failed(task.queue, task.id, claimant, data)
        except _ALREADY_SETTLED:
            return "already_settled"
        return outcome

    async def _unclaimed(self, task: Task, claimant: Claimant) -> str:
        try:
            await self._tasks.unclaim(task.queue, task.id, claimant)
        except _ALREADY_SETTLED:
            return "already_settled"
        return "unclaimed"

    async def _record_failure(self, worker: PushWorker, reason: str, *, started: datetime) -> None:
        async def record_once() -> None:
            try:
                current = await self._store.get_push_worker(worker.id)
            except PushWorkerNotFound:
                return
            if current.retry_at is not None and current.retry_at > started:
                return  # already backing off for a failure recorded after this delivery began
            at = self._clock.now_utc()
            failures = current.consecutive_failures + 1
            delay = self._backoff.delay(failures_before=failures - 1, random_fraction=self._rng.random())
            updated = replace(
                current,
                consecutive_failures=failures,
                retry_at=at + delay,
                last_error=reason[:MAX_ERROR_CHARACTERS],
                last_failure_at=at,
            )
            await self._store.update_push_worker(current, updated)
            _log.warning(
                "push worker %s failed (%s); %d in a row, next delivery in %.1fs",
                worker.id,
                reason,
                failures,
                delay.total_seconds(),
            )

        await self._write_state(record_once)

    async def _record_success(self, worker: PushWorker) -> None:
        if not worker.consecutive_failures and worker.retry_at is None:
            return

        async def record_once() -> None:
            try:
                current = await self._store.get_push_worker(worker.id)
            except PushWorkerNotFound:
                return
            if not current.consecutive_failures and current.retry_at is None:
                return
            await self._store.update_push_worker(
                current, replace(current, consecutive_failures=0, retry_at=None)
            )
            _log.info(
                "push worker %s answers again after %d failures", worker.id, current.consecutive_failures
            )

        await self._write_state(record_once)

    async def _write_state(self, record_once: Callable[[], Awaitable[None]]) -> None:
        """Back-off state is advisory: after the bounded retries a delivery's outcome stands without it."""
        with contextlib.suppress(VersionConflict):
            await retry_on_conflict(
                record_once, retry_times=self._tasks.policies.limits.version_conflict_retry_times
            )

    def _body(self, worker: PushWorker, task: Task) -> bytes:
        payload = {
            "task": self._render(task),
            "worker_id": claiming_worker_id(worker.id),
            "lease_token": task.lease_token,
            "sent_at": self._clock.now_utc().isoformat(),
        }
        return json.dumps(payload, separators=(",", ":")).encode()


# The worker reported through the API before its push answer arrived, or the task timed out meanwhile.
_ALREADY_SETTLED = (NotClaimed, LeaseSuperseded, NotOwnedByWorker, TaskNotFound)


def _claimed_by(task: Task, worker_id: str) -> bool:
    return task.last_claimed is not None and task.last_claimed.worker_id == worker_id


def _headers(worker: PushWorker, task: Task, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": "tasques-push",
        SIGNATURE_HEADER: sign(worker.secret, body),
        WORKER_HEADER: claiming_worker_id(worker.id),
        LEASE_HEADER: task.lease_token or "",
    }


def _answer(body: bytes) -> tuple[str, JsonObject | None]:
    """The outcome a 2xx answer carries: (done | failed, data). Unreadable answers fail the task."""
    if not body.strip():
        return "done", None
    try:
        answer = json.loads(body)
    except ValueError:
        return "failed", {"push_error": "the worker's answer is not JSON"}
    if not isinstance(answer, dict):
        return "failed", {"push_error": "the worker's answer is not a JSON object"}
    outcome, data = answer.get("outcome", "done"), answer.get("data")
    if outcome not in ("done", "failed") or not (data is None or isinstance(data, dict)):
        return "failed", {"push_error": 'the answer needs "outcome": "done" | "failed" and an object "data"'}
    return outcome, data
