"""Finishing many claimed tasks in one request: one multi-get, one batch of compare-and-swap writes.

Each item succeeds or fails on its own (ownership, lease token and state are checked per task, exactly
as the single-task endpoints do); items that lose a write race are re-read and retried, a bounded number
of times, without touching the others.
"""

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.clock import Clock
from app.domain.errors import InvalidInput, TaskNotFound, TasquesError, VersionConflict
from app.domain.history import TaskEvent
from app.domain.queue_names import ensure_valid_queue_name
from app.domain.states import TaskState
from app.domain.task import Claimant, JsonObject, Task
from app.services.completions import CompletionBoard
from app.services.conflict_retry import retry_on_conflict
from app.services.history import HistoryRecorder, outcome_event
from app.services.policies import TaskPolicies
from app.storage.port import TaskStore


class Outcome(StrEnum):
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, kw_only=True)
class FinishItem:
    queue: str
    id: str
    outcome: Outcome
    data: JsonObject | None = None
    lease_token: str | None = None


FinishResult = Task | TasquesError


class BatchFinisher:
    def __init__(
        self,
        store: TaskStore,
        *,
        policies: TaskPolicies,
        clock: Clock,
        rng: random.Random,
        history: HistoryRecorder,
        completions: CompletionBoard,
    ) -> None:
        self._store = store
        self._policies = policies
        self._clock = clock
        self._rng = rng
        self._history = history
        self._completions = completions

    async def finish(self, worker_id: str, items: Sequence[FinishItem]) -> list[FinishResult]:
        self._validate(items)
        results: dict[int, FinishResult] = {}
        pending = list(range(len(items)))

        async def finish_pending() -> None:
            nonlocal pending
            pending = await self._attempt(worker_id, items, pending, results)
            if pending:  # only the items that lost a race go round again
                raise VersionConflict(items[pending[0]].id)

        try:
            await retry_on_conflict(
                finish_pending, retry_times=self._policies.limits.version_conflict_retry_times
            )
        except VersionConflict:
            for index in pending:
                results[index] = VersionConflict(items[index].id)
        return [results[index] for index in range(len(items))]

    async def _attempt(
        self,
        worker_id: str,
        items: Sequence[FinishItem],
        indices: list[int],
        results: dict[int, FinishResult],
    ) -> list[int]:
        """One read-transition-write round over ``indices``; returns the ones that lost a race."""
        current = await self._store.get_tasks([(items[index].queue, items[index].id) for index in indices])
        at = self._clock.now_utc()
        changes: list[tuple[int, Task, Task]] = []
        for index, found in zip(indices, current, strict=True):
            if isinstance(found, TaskNotFound):
                results[index] = found
                continue
            try:
                changes.append((index, found, self._transition(found, items[index], worker_id, at)))
            except TasquesError as error:
                results[index] = error
        # Each change's history goes with it: stored in the same transaction (SQLite) or the next bulk.
        events = [(_finish_event(after, at=at),) for _, _, after in changes]
        written = (
            await self._store.update_tasks([(before, after) for _, before, after in changes], events=events)
            if changes
            else []
        )
        lost: list[int] = []
        stored: list[Task] = []
        recorded: list[TaskEvent] = []
        for (index, _, _), change_events, result in zip(changes, events, written, strict=True):
            if isinstance(result, VersionConflict):
                lost.append(index)
            else:
                results[index] = result
                if isinstance(result, Task):
                    stored.append(result)
                    recorded.extend(change_events)
        self._completions.publish(stored)
        self._history.counted(recorded)
        return lost

    def _transition(self, task: Task, item: FinishItem, worker_id: str, at: datetime) -> Task:
        claimant = Claimant(worker_id=worker_id, lease_token=item.lease_token)
        if item.outcome is Outcome.DONE:
            return task.mark_done(claimant, at=at, data=item.data)
        if item.outcome is Outcome.CANCELLED:
            return task.mark_cancelled(claimant, at=at, data=item.data)
        backoff = task.backoff or self._policies.backoff_for(task.queue)
        return task.mark_failed(claimant, at=at, data=item.data, backoff=backoff, jitter=self._rng.random())

    def _validate(self, items: Sequence[FinishItem]) -> None:
        if not items:
            raise InvalidInput("A batch needs at least one item")
        if len(items) > self._policies.limits.max_batch_size:
            raise InvalidInput(f"A batch holds at most {self._policies.limits.max_batch_size} items")
        seen: set[tuple[str, str]] = set()
        for position, item in enumerate(items):
            ensure_valid_queue_name(item.queue)
            if (item.queue, item.id) in seen:
                raise InvalidInput(f"items[{position}] names {item.queue}/{item.id} twice in one batch")
            seen.add((item.queue, item.id))


def _finish_event(task: Task, *, at: datetime) -> TaskEvent:
    """The same event the single-task endpoints record for this outcome."""
    result = task.last_claimed.result if task.last_claimed else None
    if task.state is TaskState.DONE:
        return outcome_event(task, at=at, data=result.success if result else None)
    if task.state is TaskState.CANCELLED:
        return outcome_event(task, at=at, data=result.failure if result else None)
    return outcome_event(task, at=at, error=result.failure if result else None)
