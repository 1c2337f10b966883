"""Response models in Tasques' wire format. Optional fields are omitted (never null) when rendered."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.domain.backoff import BackoffPolicy
from app.domain.durations import format_go_duration
from app.domain.states import TaskState
from app.domain.task import LastClaimed, Metadata, Task


class _Wire(BaseModel):
    model_config = ConfigDict(frozen=True)


class WireVersion(_Wire):
    seq_num: int
    primary_term: int


class WireMetadata(_Wire):
    created_at: datetime
    modified_at: datetime
    version: WireVersion


class WireReport(_Wire):
    at: datetime
    data: dict[str, Any] | None = None


class WireResult(_Wire):
    at: datetime
    failure: dict[str, Any] | None = None
    success: dict[str, Any] | None = None


class WireLastClaimed(_Wire):
    worker_id: str
    claimed_at: datetime
    times_out_at: datetime
    last_report: WireReport | None = None
    result: WireResult | None = None


class WireBackoff(_Wire):
    strategy: str
    base: str = Field(examples=["15s"])
    max: str = Field(examples=["1h0m0s"])
    jitter: float


class WireCancellation(_Wire):
    requested_at: datetime
    reason: str | None = None


class WireCheckpoint(_Wire):
    at: datetime
    attempt: int = Field(description="The attempt that saved it")
    data: dict[str, Any]


class WireTask(_Wire):
    id: str
    queue: str
    retry_times: int
    attempted: int
    kind: str
    state: str = Field(examples=["queued"])
    priority: int
    processing_timeout: str = Field(examples=["30m0s"], description="Go duration string")
    run_at: datetime
    args: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
    last_claimed: WireLastClaimed | None = None
    last_enqueued_at: datetime
    metadata: WireMetadata
    recurring_task_id: str | None = None
    backoff: WireBackoff | None = Field(default=None, description="Extension: the task's own retry backoff")
    cancellation: WireCancellation | None = Field(
        default=None, description="Extension: set once cancellation was requested"
    )
    cancel_requested: bool | None = Field(
        default=None,
        description="Extension: true while a claimed task has been asked to stop; the worker should end it "
        "with PUT /tasques/cancelled/{queue}/{id}",
    )
    checkpoint: WireCheckpoint | None = Field(
        default=None, description="Extension: the last checkpoint a worker saved; resume from it"
    )
    trace_context: dict[str, str] | None = Field(
        default=None,
        description="Extension, claim responses only: the producer's W3C trace context (traceparent, "
        "tracestate), so the worker's spans join the producer's trace",
    )
    lease_token: str | None = Field(
        default=None,
        description="Extension, claim responses only: send it back as X-TASQUES-LEASE-TOKEN to be fenced "
        "against superseded claims",
    )
    concurrency_key: str | None = Field(default=None, description="Extension: the task's concurrency key")
    rate_limit_key: str | None = Field(default=None, description="Extension: the task's rate-limit key")
    required_capabilities: list[str] | None = Field(
        default=None, description="Extension: what a claiming worker must declare to get this task"
    )


class ErrorBody(_Wire):
    message: str
    error: str | None = Field(default=None, description="Extension: a stable error code")
    details: dict[str, Any] | None = Field(default=None, description="Extension: structured fields")


def wire_task(task: Task, *, for_claimer: bool = False) -> WireTask:
    return WireTask(
        id=task.id,
        queue=task.queue,
        retry_times=task.retry_times,
        attempted=task.attempted,
        kind=task.kind,
        state=task.state.value,
        priority=task.priority,
        processing_timeout=format_go_duration(task.processing_timeout),
        run_at=task.run_at,
        args=task.args,
        context=task.context,
        last_claimed=_wire_last_claimed(task.last_claimed) if task.last_claimed else None,
        last_enqueued_at=task.last_enqueued_at,
        metadata=wire_metadata(task.metadata),
        recurring_task_id=task.recurring_task_id,
        backoff=wire_backoff(task.backoff) if task.backoff else None,
        cancellation=(
            WireCancellation(requested_at=task.cancellation.requested_at, reason=task.cancellation.reason)
            if task.cancellation
            else None
        ),
        cancel_requested=True if task.cancellation and task.state is TaskState.CLAIMED else None,
        checkpoint=(
            WireCheckpoint(at=task.checkpoint.at, attempt=task.checkpoint.attempt, data=task.checkpoint.data)
            if task.checkpoint
            else None
        ),
        trace_context=task.trace_context if for_claimer else None,
        lease_token=task.lease_token if for_claimer else None,
        concurrency_key=task.concurrency_key,
        rate_limit_key=task.rate_limit_key,
        required_capabilities=list(task.required_capabilities) if task.required_capabilities else None,
    )


def wire_metadata(metadata: Metadata) -> WireMetadata:
    version = metadata.version
    return WireMetadata(
        created_at=metadata.created_at,
        modified_at=metadata.modified_at,
        version=WireVersion(
            seq_num=version.seq_num if version else 0, primary_term=version.primary_term if version else 0
        ),
    )


def wire_backoff(backoff: BackoffPolicy) -> WireBackoff:
    return WireBackoff(
        strategy=backoff.strategy.value,
        base=format_go_duration(backoff.base),
        max=format_go_duration(backoff.max),
        jitter=backoff.jitter,
    )


def _wire_last_claimed(claim: LastClaimed) -> WireLastClaimed:
    report, result = claim.last_report, claim.result
    return WireLastClaimed(
        worker_id=claim.worker_id,
        claimed_at=claim.claimed_at,
        times_out_at=claim.times_out_at,
        last_report=WireReport(at=report.at, data=report.data) if report else None,
        result=WireResult(at=result.at, failure=result.failure, success=result.success) if result else None,
    )


class WireBatchItem(_Wire):
    status: int = Field(description="201 created, or 409 when the id already exists in the queue")
    task: WireTask | None = None
    error: ErrorBody | None = None


class WireFinishItem(_Wire):
    status: int = Field(description="200, or the status the single-task endpoint would have answered")
    task: WireTask | None = None
    error: ErrorBody | None = None


class WireFinishResult(_Wire):
    succeeded: int
    failed: int
    results: list[WireFinishItem]


class WireBatchResult(_Wire):
    created: int
    conflicts: int
    results: list[WireBatchItem]


class WireHealth(_Wire):
    status: str
    backend: str | None = None
    detail: str | None = None


class WireVersionInfo(_Wire):
    name: str
    version: str
    backend: str


class WireTaskResult(_Wire):
    queue: str
    id: str
    state: str
    at: datetime | None = Field(default=None, description="When the task finished")
    expires_at: datetime | None = Field(default=None, description="After this the result answers 404")
    success: dict[str, Any] | None = None
    failure: dict[str, Any] | None = None


class WireTaskEvent(_Wire):
    kind: str
    at: datetime
    attempt: int
    worker_id: str | None = None
    error: dict[str, Any] | None = None
    data: dict[str, Any] | None = None


class WireAttempt(_Wire):
    attempt: int
    worker_id: str | None = None
    claimed_at: datetime | None = None
    ended_at: datetime | None = None
    outcome: str | None = Field(
        default=None, examples=["done", "failed", "timed_out", "cancelled", "unclaimed"]
    )
    error: dict[str, Any] | None = None
    events: list[WireTaskEvent]


class WireAttempts(_Wire):
    queue: str
    id: str
    attempts: list[WireAttempt]
