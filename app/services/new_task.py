"""What a producer asks for; the service fills defaults and turns it into a queued Task."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.backoff import BackoffPolicy
from app.domain.errors import InvalidInput
from app.domain.flow import ensure_valid_flow_key, normalized_capabilities
from app.domain.ids import ensure_valid_task_id, new_task_id
from app.domain.queue_names import ensure_valid_queue_name
from app.domain.states import TaskState
from app.domain.task import JsonObject, Metadata, Task
from app.services.policies import TaskPolicies


@dataclass(frozen=True, kw_only=True)
class NewTask:
    queue: str
    kind: str
    id: str | None = None
    retry_times: int | None = None
    priority: int = 0
    processing_timeout: timedelta | None = None
    run_at: datetime | None = None
    args: JsonObject | None = None
    context: JsonObject | None = None
    backoff: BackoffPolicy | None = None
    recurring_task_id: str | None = None
    trace_context: dict[str, str] | None = None
    concurrency_key: str | None = None
    rate_limit_key: str | None = None
    required_capabilities: tuple[str, ...] | None = None

    def to_task(self, policies: TaskPolicies, *, at: datetime) -> Task:
        ensure_valid_queue_name(self.queue)
        if not self.kind:
            raise InvalidInput("kind must not be empty")
        if self.retry_times is not None and self.retry_times < 0:
            raise InvalidInput("retry_times must not be negative")
        timeout = self.processing_timeout or policies.processing_timeout_for(self.queue)
        if timeout <= timedelta(0):
            raise InvalidInput("processing_timeout must be positive")
        task_id = new_task_id(at) if self.id is None else ensure_valid_task_id(self.id)
        return Task(
            id=task_id,
            queue=self.queue,
            retry_times=policies.retry_times_for(self.queue)
            if self.retry_times is None
            else self.retry_times,
            attempted=0,
            kind=self.kind,
            state=TaskState.QUEUED,
            priority=self.priority,
            processing_timeout=timeout,
            run_at=self.run_at or at,
            args=self.args,
            context=self.context,
            last_enqueued_at=at,
            metadata=Metadata(created_at=at, modified_at=at),
            recurring_task_id=self.recurring_task_id,
            backoff=self.backoff,
            trace_context=self.trace_context,
            concurrency_key=ensure_valid_flow_key(self.concurrency_key, field="concurrency_key"),
            rate_limit_key=ensure_valid_flow_key(self.rate_limit_key, field="rate_limit_key"),
            required_capabilities=normalized_capabilities(
                self.required_capabilities, field="required_capabilities"
            ),
        )
