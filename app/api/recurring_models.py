"""Recurring task bodies and responses: Tasques' shapes plus schedule-policy extensions."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from app.api.request_models import BackoffBody, DurationText, JsonObjectBody
from app.api.wire_models import WireBackoff, WireMetadata, wire_backoff, wire_metadata
from app.domain.bounds import PRIORITY_MAX, PRIORITY_MIN, RETRY_TIMES_MAX
from app.domain.durations import format_go_duration
from app.domain.errors import InvalidInput
from app.domain.recurring import OverlapPolicy, RecurringTask
from app.services.recurring_service import NewTaskDefinition, RecurringChange, SchedulePolicy


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class TaskDefinitionBody(_Body):
    queue: StrictStr = Field(examples=["reports"])
    kind: StrictStr = Field(min_length=1, examples=["render"])
    retry_times: StrictInt | None = Field(default=None, ge=0, le=RETRY_TIMES_MAX)
    priority: StrictInt | None = Field(default=None, ge=PRIORITY_MIN, le=PRIORITY_MAX)
    processing_timeout: DurationText | None = None
    args: JsonObjectBody | None = None
    context: JsonObjectBody | None = None
    backoff: BackoffBody | None = None

    def to_definition(self) -> NewTaskDefinition:
        return NewTaskDefinition(
            queue=self.queue,
            kind=self.kind,
            retry_times=self.retry_times,
            priority=self.priority or 0,
            processing_timeout=self.processing_timeout,
            args=self.args,
            context=self.context,
            backoff=self.backoff.to_policy() if self.backoff else None,
        )


class _PolicyFields(_Body):
    skip_if_outstanding_tasks_exist: StrictBool | None = Field(
        default=None, description="Tasques' flag: true is overlap_policy skip"
    )
    timezone: StrictStr | None = Field(
        default=None, description="Extension: IANA zone for cron fields", examples=["Europe/Paris"]
    )
    overlap_policy: OverlapPolicy | None = Field(
        default=None, description="Extension: skip | allow_all | buffer_one | cancel_other"
    )
    catchup_window: DurationText | None = Field(
        default=None, description="Extension: missed fires within this are fired"
    )
    jitter: DurationText | None = Field(
        default=None, description="Extension: spread each fire's run_at up to this"
    )
    paused: StrictBool | None = None

    def policy(self, *, current: OverlapPolicy | None) -> SchedulePolicy:
        overlap = self.overlap_policy
        if self.skip_if_outstanding_tasks_exist is not None:
            from_flag = OverlapPolicy.SKIP if self.skip_if_outstanding_tasks_exist else None
            if (
                overlap is not None
                and (overlap is OverlapPolicy.SKIP) != self.skip_if_outstanding_tasks_exist
            ):
                raise InvalidInput("skip_if_outstanding_tasks_exist contradicts overlap_policy")
            if overlap is None:
                flag_off = current is OverlapPolicy.SKIP or current is None
                overlap = from_flag or (OverlapPolicy.ALLOW_ALL if flag_off else None)
        return SchedulePolicy(
            timezone=self.timezone,
            overlap_policy=overlap,
            catchup_window=self.catchup_window,
            jitter=self.jitter,
            paused=self.paused,
        )


class NewRecurringBody(_PolicyFields):
    id: StrictStr = Field(min_length=1, examples=["nightly-report"])
    schedule_expression: StrictStr = Field(examples=["0 2 * * *", "@every 1m", "@hourly"])
    task_definition: TaskDefinitionBody


class RecurringUpdateBody(_PolicyFields):
    schedule_expression: StrictStr | None = None
    task_definition: TaskDefinitionBody | None = None

    def change(self, *, current: OverlapPolicy) -> RecurringChange:
        return RecurringChange(
            schedule_expression=self.schedule_expression,
            task_definition=self.task_definition.to_definition() if self.task_definition else None,
            policy=self.policy(current=current),
        )


class ResumeBody(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    catch_up: StrictBool = Field(
        default=False,
        description="Enqueue the fires missed while paused that fall within the catch-up window",
    )


class BackfillBody(_Body):
    start: datetime = Field(description="First instant of the range (inclusive), RFC 3339 with offset")
    end: datetime = Field(description="Last instant of the range (inclusive)")


class WireTaskDefinition(BaseModel):
    queue: str
    retry_times: int
    kind: str
    priority: int
    processing_timeout: str
    args: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    backoff: WireBackoff | None = None


class WireRecurringTask(BaseModel):
    id: str
    schedule_expression: str
    task_definition: WireTaskDefinition
    skip_if_outstanding_tasks_exist: bool
    metadata: WireMetadata
    timezone: str
    overlap_policy: OverlapPolicy
    catchup_window: str
    jitter: str
    paused: bool
    last_fire_at: datetime | None = Field(default=None, description="Fires up to here have been handled")
    buffered_fire_at: datetime | None = None
    paused_at: datetime | None = Field(default=None, description="When the latest pause began")
    resumed_at: datetime | None = Field(
        default=None, description="When that pause ended: fires between the two did not happen"
    )


class WireBackfillResult(BaseModel):
    enqueued: int
    duplicates: int = Field(description="Fire times whose task already existed")


def wire_recurring(recurring: RecurringTask) -> WireRecurringTask:
    definition = recurring.task_definition
    return WireRecurringTask(
        id=recurring.id,
        schedule_expression=recurring.schedule_expression,
        task_definition=WireTaskDefinition(
            queue=definition.queue,
            retry_times=definition.retry_times,
            kind=definition.kind,
            priority=definition.priority,
            processing_timeout=format_go_duration(definition.processing_timeout),
            args=definition.args,
            context=definition.context,
            backoff=wire_backoff(definition.backoff) if definition.backoff else None,
        ),
        skip_if_outstanding_tasks_exist=recurring.skip_if_outstanding_tasks_exist,
        metadata=wire_metadata(recurring.metadata),
        timezone=recurring.timezone,
        overlap_policy=recurring.overlap_policy,
        catchup_window=format_go_duration(recurring.catchup_window),
        jitter=format_go_duration(recurring.jitter),
        paused=recurring.paused,
        last_fire_at=recurring.last_fire_at,
        buffered_fire_at=recurring.buffered_fire_at,
        paused_at=recurring.paused_at,
        resumed_at=recurring.resumed_at,
    )
