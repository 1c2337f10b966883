"""Request bodies. Unknown fields are ignored, as Tasques does; types are strict (no "5" for 5).

Durations are Go strings; a JSON number is refused with 400 (Tasques silently read it as zero).
``run_at`` of Go's zero time is treated as absent, because go-swagger clients always send it.
"""

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    StrictStr,
    WithJsonSchema,
    model_validator,
)

from app.domain.backoff import BackoffPolicy, BackoffStrategy
from app.domain.bounds import PRIORITY_MAX, PRIORITY_MIN, RETRY_TIMES_MAX
from app.domain.durations import parse_go_duration
from app.domain.errors import InvalidInput
from app.services.new_task import NewTask


def _go_duration(value: object) -> timedelta:
    if not isinstance(value, str):
        raise ValueError('must be a Go duration string such as "30s", "5m" or "1h30m"')
    try:
        return parse_go_duration(value)
    except InvalidInput as error:
        raise ValueError(error.message) from error


def _zero_time_as_absent(moment: datetime | None) -> datetime | None:
    if moment is None or moment.year <= 1:
        return None
    try:
        return aware_utc(moment, "date-time")
    except InvalidInput as error:
        raise ValueError(error.message) from error


def aware_utc(moment: datetime, field: str) -> datetime:
    if moment.tzinfo is None:
        raise InvalidInput(f"{field} must be an RFC 3339 date-time with a time zone offset")
    try:
        return moment.astimezone(UTC)
    except OverflowError as error:  # e.g. 9999-12-31T23:59:59-01:00 is past the last representable instant
        raise InvalidInput(f"{field} is outside the supported range of dates") from error


DurationText = Annotated[
    timedelta,
    BeforeValidator(_go_duration),
    WithJsonSchema({"type": "string", "description": "Go duration string", "example": "30m"}),
]
RunAt = Annotated[datetime | None, AfterValidator(_zero_time_as_absent)]
JsonObjectBody = dict[str, Any]


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class BackoffBody(_Body):
    strategy: BackoffStrategy = BackoffStrategy.EXPONENTIAL
    base: DurationText = timedelta(seconds=15)
    max: DurationText = timedelta(hours=1)
    jitter: StrictFloat | StrictInt = Field(default=0.5, ge=0, le=1)

    @model_validator(mode="after")
    def _base_within_max(self) -> "BackoffBody":
        if not timedelta(0) < self.base <= self.max:
            raise ValueError("backoff needs 0 < base <= max")
        return self

    def to_policy(self) -> BackoffPolicy:
        return BackoffPolicy(strategy=self.strategy, base=self.base, max=self.max, jitter=float(self.jitter))


class NewTaskBody(_Body):
    id: StrictStr | None = Field(default=None, description="Idempotency key, unique per queue")
    queue: StrictStr = Field(examples=["run-later"])
    kind: StrictStr = Field(min_length=1, examples=["sayHello"])
    retry_times: StrictInt | None = Field(default=None, ge=0, le=RETRY_TIMES_MAX, examples=[10])
    priority: StrictInt | None = Field(default=None, ge=PRIORITY_MIN, le=PRIORITY_MAX)
    processing_timeout: DurationText | None = None
    run_at: RunAt = None
    args: JsonObjectBody | None = None
    context: JsonObjectBody | None = None
    backoff: BackoffBody | None = Field(default=None, description="Extension: retry backoff for this task")
    concurrency_key: StrictStr | None = Field(
        default=None,
        max_length=200,
        examples=["tenant:42"],
        description="Extension: tasks sharing this key count against its concurrency limit "
        "(tasks.flow_control.keys) and claims rotate across keys",
    )
    rate_limit_key: StrictStr | None = Field(
        default=None,
        max_length=200,
        examples=["openai:gpt"],
        description="Extension: claims of tasks sharing this key count against its rate limit",
    )
    required_capabilities: list[StrictStr] | None = Field(
        default=None,
        max_length=32,
        examples=[["gpu"]],
        description="Extension: only workers declaring all of these in their claim get this task",
    )

    def to_new_task(self) -> NewTask:
        return NewTask(
            queue=self.queue,
            kind=self.kind,
            id=self.id,
            retry_times=self.retry_times,
            priority=self.priority or 0,
            processing_timeout=self.processing_timeout,
            run_at=self.run_at,
            args=self.args,
            context=self.context,
            backoff=self.backoff.to_policy() if self.backoff else None,
            concurrency_key=self.concurrency_key,
            rate_limit_key=self.rate_limit_key,
            required_capabilities=tuple(self.required_capabilities)
            if self.required_capabilities is not None
            else None,
        )


class NewTaskBatchBody(_Body):
    tasks: list[NewTaskBody] = Field(min_length=1)


class ClaimBody(_Body):
    queues: list[StrictStr] = Field(description="Queues to claim from; an empty list means every queue")
    amount: StrictInt | None = Field(default=None, ge=0, examples=[1])
    block_for: DurationText | None = None
    capabilities: list[StrictStr] | None = Field(
        default=None,
        max_length=32,
        examples=[["gpu", "py3.12"]],
        description="Extension: what this worker offers; tasks with required_capabilities are handed "
        "only to workers declaring all of them",
    )


class DataBody(_Body):
    data: JsonObjectBody | None = None


class ReportBody(DataBody):
    checkpoint: JsonObjectBody | None = Field(
        default=None, description="Extension: progress to resume from; handed to the next attempt"
    )


class CancelBody(_Body):
    reason: StrictStr | None = Field(default=None, max_length=1000)
