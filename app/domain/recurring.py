"""Recurring task definitions and what one scheduler pass decides for them.

A fire creates a task whose id is derived from the definition id and the fire instant, so a repeated
pass, a retried write or a leader failover can never enqueue the same fire twice: the store's
create-only semantics turn the repeat into a conflict.

Pausing skips fires: those falling between a pause and its resume never happen (a resume may ask to
catch up instead, within the catch-up window). The scheduler does not see a paused definition, so the
interval is kept as ``paused_at``/``resumed_at`` until the scheduler's watermark passes it; the
catch-up window still covers fires missed while no leader ran, before or after the pause.
"""

from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field

from app.domain.backoff import BackoffPolicy
from app.domain.task import JsonObject, Metadata

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class OverlapPolicy(StrEnum):
    """What a fire does while earlier fires still have unfinished tasks.

    skip: no task for this fire (Tasques' skip_if_outstanding_tasks_exist). allow_all: always enqueue.
    buffer_one: remember at most one fire and enqueue it once the outstanding tasks are finished.
    cancel_other: cancel the outstanding tasks (queued ones end, running ones are asked to stop), then enqueue.
    """

    SKIP = "skip"
    ALLOW_ALL = "allow_all"
    BUFFER_ONE = "buffer_one"
    CANCEL_OTHER = "cancel_other"


class TaskDefinition(BaseModel):
    model_config = _FROZEN
    queue: str
    kind: str
    retry_times: int
    priority: int = 0
    processing_timeout: timedelta
    args: JsonObject | None = None
    context: JsonObject | None = None
    backoff: BackoffPolicy | None = None


class RecurringTask(BaseModel):
    model_config = _FROZEN

    id: str
    schedule_expression: str
    timezone: str = "UTC"
    task_definition: TaskDefinition
    overlap_policy: OverlapPolicy = OverlapPolicy.ALLOW_ALL
    catchup_window: timedelta = Field(default=timedelta(minutes=5))
    jitter: timedelta = timedelta(0)
    paused: bool = False
    # Scheduler state: every fire at or before last_fire_at has been handled (enqueued or skipped).
    last_fire_at: datetime | None = None
    buffered_fire_at: datetime | None = None
    paused_at: datetime | None = None
    """When the latest pause began."""
    resumed_at: datetime | None = None
    """When that pause ended; fires in (paused_at, resumed_at] never happen."""
    metadata: Metadata

    @property
    def skip_if_outstanding_tasks_exist(self) -> bool:
        return self.overlap_policy is OverlapPolicy.SKIP

    @property
    def anchor(self) -> datetime:
        """Where ``@every`` intervals count from: creation, to the whole second."""
        return self.metadata.created_at.replace(microsecond=0)

    @property
    def watermark(self) -> datetime:
        """Every fire at or before this has been handled (before the first fire: creation)."""
        return self.last_fire_at or self.metadata.created_at

    def skips_fire(self, fire_at: datetime) -> bool:
        """Whether ``fire_at`` fell while the definition was paused (and the resume did not catch up)."""
        if self.paused_at is None or self.resumed_at is None:
            return False
        return self.paused_at < fire_at <= self.resumed_at

    def pause(self, *, at: datetime) -> Self:
        if self.paused:
            return self
        # An earlier pause whose fires the scheduler has not passed yet stays in this one: one interval
        # is kept, so the stretch between them (only missed if no leader ran) is skipped too.
        earlier_pending = self.resumed_at is not None and self.watermark < self.resumed_at
        paused_at = self.paused_at if earlier_pending else at
        return self.changed(at=at, paused=True, paused_at=paused_at, resumed_at=None)

    def resume(self, *, at: datetime, catch_up: bool = False) -> Self:
        """Fire again from the next fire after ``at``; with ``catch_up``, fires missed while paused are
        enqueued on the next pass as far back as the catch-up window reaches."""
        if not self.paused:
            return self
        if catch_up:
            return self.changed(at=at, paused=False, paused_at=None, resumed_at=None)
        return self.changed(at=at, paused=False, resumed_at=at)

    def fire_task_id(self, fire_at: datetime) -> str:
        utc = fire_at.astimezone(UTC)
        return f"{self.id}@{utc.year:04d}{utc:%m%dT%H%M%S.%f}Z"

    def handled_through(self, fire_at: datetime, *, at: datetime, buffered: datetime | None) -> Self:
        metadata = self.metadata.model_copy(update={"modified_at": at})
        return self.model_copy(
            update={"last_fire_at": fire_at, "buffered_fire_at": buffered, "metadata": metadata}
        )

    def changed(self, *, at: datetime, **changes: object) -> Self:
        metadata = self.metadata.model_copy(update={"modified_at": at})
        return self.model_copy(update={**changes, "metadata": metadata})
