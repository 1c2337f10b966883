"""Per-attempt history: one event per claim, sampled report, finish, failure, timeout, unclaim, cancel.

Events are facts recorded after the state change they describe has been stored; the task document stays
the source of truth and the history explains how it got there, also once the task is archived.
"""

import functools
from datetime import UTC, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from app.domain.task import JsonObject, Task


@functools.lru_cache(maxsize=1024)
def _utc_text(at: datetime) -> str:
    # Cached: the events of one batch share their instant, and isoformat is most of an id's cost.
    return at.astimezone(UTC).isoformat()


class TaskEventKind(StrEnum):
    CLAIMED = "claimed"
    REPORTED = "reported"
    DONE = "done"
    FAILED = "failed"
    DEAD = "dead"
    TIMED_OUT = "timed_out"
    UNCLAIMED = "unclaimed"
    CANCEL_REQUESTED = "cancel_requested"
    CANCELLED = "cancelled"


class TaskEvent(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    queue: str
    task_id: str
    attempt: int
    kind: TaskEventKind
    at: datetime
    worker_id: str | None = None
    lease_token: str | None = None
    error: JsonObject | None = None
    data: JsonObject | None = None
    # The task's store version after the change: orders events that share a timestamp.
    sequence: int = 0

    @property
    def event_id(self) -> str:
        """Stable per fact, so writing the same event twice stores it once."""
        return f"{self.queue}/{self.task_id}/{self.attempt}/{self.kind.value}/{_utc_text(self.at)}"


def task_event(
    task: Task,
    kind: TaskEventKind,
    *,
    at: datetime,
    error: JsonObject | None = None,
    data: JsonObject | None = None,
) -> TaskEvent:
    claim = task.last_claimed
    return TaskEvent(
        queue=task.queue,
        task_id=task.id,
        attempt=task.attempted,
        kind=kind,
        at=at,
        worker_id=claim.worker_id if claim else None,
        lease_token=claim.lease_token if claim else None,
        error=error,
        data=data,
        sequence=task.metadata.version.seq_num if task.metadata.version else 0,
    )
