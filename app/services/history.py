"""Recording attempt history after state changes, and reading it back grouped by attempt.

Recording is best effort by design: the state change it describes is already stored, and failing the
caller's request because the history write failed would make a finished task look unfinished.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.errors import TasquesError
from app.domain.history import TaskEvent, TaskEventKind, task_event
from app.domain.states import TaskState
from app.domain.task import JsonObject, Task
from app.services.activity import NoActivity, TaskActivity
from app.storage.port import EventStore

_log = logging.getLogger(__name__)

_OUTCOME_BY_STATE = {
    TaskState.DONE: TaskEventKind.DONE,
    TaskState.DEAD: TaskEventKind.DEAD,
    TaskState.FAILED: TaskEventKind.FAILED,
    TaskState.CANCELLED: TaskEventKind.CANCELLED,
    TaskState.QUEUED: TaskEventKind.UNCLAIMED,
    TaskState.CLAIMED: TaskEventKind.CANCEL_REQUESTED,
}


def outcome_event(
    task: Task, *, at: datetime, error: JsonObject | None = None, data: JsonObject | None = None
) -> TaskEvent:
    """The event for the state a finish, failure, unclaim or cancel left the task in."""
    event = task_event(task, _OUTCOME_BY_STATE[task.state], at=at, error=error, data=data)
    if task.state is TaskState.QUEUED:
        # Unclaiming refunds the attempt; the event belongs to the attempt that was handed back.
        return event.model_copy(update={"attempt": task.attempted + 1})
    return event


class HistoryRecorder:
    def __init__(self, store: EventStore, *, activity: TaskActivity | None = None) -> None:
        self._store = store
        self._activity = activity or NoActivity()

    async def events(self, queue: str, task_id: str, *, limit: int = 10_000) -> list[TaskEvent]:
        events = await self._store.list_events(queue, task_id, limit=limit)
        return sorted(events, key=lambda event: (event.at, event.sequence))

    def counted(self, events: Sequence[TaskEvent]) -> None:
        """Events a store wrote along with the change they describe (``TaskStore.change_task``)."""
        if events:
            self._activity.recorded(events)

    async def record(self, events: Sequence[TaskEvent]) -> None:
        if not events:
            return
        self._activity.recorded(events)
        try:
            await self._store.append_events(events)
        except TasquesError as error:
            _log.warning("could not record %d history events: %s", len(events), error.message)


@dataclass
class Attempt:
    attempt: int
    worker_id: str | None = None
    claimed_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str | None = None
    error: JsonObject | None = None
    events: list[TaskEvent] = field(default_factory=list)


def attempts_from(events: Sequence[TaskEvent]) -> list[Attempt]:
    """Group events by claim (lease), in order; an attempt's outcome is its last ending event.

    Grouping by lease rather than attempt number keeps an unclaimed run apart from the next one, which
    gets the same attempt number back because unclaiming refunds it.
    """
    attempts: dict[str, Attempt] = {}
    for event in events:
        key = event.lease_token or f"attempt-{event.attempt}"
        attempt = attempts.setdefault(key, Attempt(attempt=event.attempt))
        attempt.events.append(event)
        if event.kind is TaskEventKind.CLAIMED:
            attempt.worker_id, attempt.claimed_at = event.worker_id, event.at
        elif event.kind not in (TaskEventKind.REPORTED, TaskEventKind.CANCEL_REQUESTED):
            attempt.ended_at, attempt.outcome, attempt.error = event.at, event.kind.value, event.error
    return list(attempts.values())
