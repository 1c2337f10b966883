"""One error hierarchy. Each error carries structured fields; ``app.api.errors`` maps them to HTTP.

Messages follow Tasques' texts where Tasques had the error, so its clients see familiar bodies.
"""

from typing import Any


class TasquesError(Exception):
    """Root of every error this server raises on purpose."""

    code = "tasques_error"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details


class InvalidInput(TasquesError):
    code = "invalid_input"


class InvalidQueueName(InvalidInput):
    code = "invalid_queue_name"

    def __init__(self, queue: str, problems: list[str]) -> None:
        super().__init__(f"Illegal Queue name: [[{' '.join(problems)}]]", queue=queue, problems=problems)


class PayloadTooLarge(InvalidInput):
    code = "payload_too_large"

    def __init__(self, limit_bytes: int) -> None:
        super().__init__(f"Request body exceeds the limit of {limit_bytes} bytes", limit_bytes=limit_bytes)


class TaskNotFound(TasquesError):
    code = "task_not_found"

    def __init__(self, queue: str, task_id: str) -> None:
        super().__init__(f"Could not find [{task_id}] in queue [{queue}]", queue=queue, id=task_id)


class TaskAlreadyExists(TasquesError):
    code = "task_already_exists"

    def __init__(self, queue: str, task_id: str) -> None:
        super().__init__(f"Task with Id [{task_id}] already exists ", queue=queue, id=task_id)


class NotClaimed(TasquesError):
    code = "task_not_claimed"

    def __init__(self, task_id: str, state: str) -> None:
        super().__init__(
            f"The Task is not currently Claimed so cannot be reported on: [{task_id}]",
            id=task_id,
            state=state,
        )


class NotClaimable(TasquesError):
    code = "task_not_claimable"

    def __init__(self, task_id: str, state: str) -> None:
        super().__init__(
            f"The Task [{task_id}] cannot be claimed in state [{state}]", id=task_id, state=state
        )


class NotOwnedByWorker(TasquesError):
    code = "task_not_owned_by_worker"

    def __init__(self, task_id: str, worker_id: str) -> None:
        super().__init__(
            f"The Task was not owned by the worker [{worker_id}]", id=task_id, worker_id=worker_id
        )


class LeaseSuperseded(TasquesError):
    """A write carried the token of an earlier claim: that worker was timed out and replaced."""

    code = "lease_superseded"

    def __init__(self, task_id: str) -> None:
        super().__init__(
            f"The lease token sent for Task [{task_id}] belongs to a superseded claim; nothing was changed",
            id=task_id,
        )


class ReportFromThePast(TasquesError):
    code = "report_from_the_past"

    def __init__(self, task_id: str, existing_at: str, new_at: str) -> None:
        super().__init__(
            f"The Task [{task_id}] was already reported on at [{existing_at}], "
            f"which overrides the current one reported at [{new_at}]",
            id=task_id,
        )


class VersionConflict(TasquesError):
    """A compare-and-swap lost its race; services re-read and retry a bounded number of times."""

    code = "version_conflict"

    def __init__(self, task_id: str) -> None:
        super().__init__(f"Version provided did not match persisted version for [{task_id}]", id=task_id)


class StoreUnavailable(TasquesError):
    code = "store_unavailable"

    def __init__(self, reason: str) -> None:
        super().__init__(f"The task store is unavailable: {reason}", reason=reason)


class ServerShuttingDown(TasquesError):
    """This server is stopping and takes no new claims; another server will."""

    code = "server_shutting_down"

    def __init__(self) -> None:
        super().__init__("This server is shutting down and claims no more tasks; retry on another server")


class StoreNotSetUp(TasquesError):
    code = "store_not_set_up"

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            f"Server pre-req checks failed: missing {', '.join(missing)}. "
            "Run 'tasques setup' before retrying.",
            missing=missing,
        )


class RecurringTaskNotFound(TasquesError):
    code = "recurring_task_not_found"

    def __init__(self, recurring_id: str) -> None:
        super().__init__(f"Could not find [{recurring_id}]", id=recurring_id)


class RecurringTaskAlreadyExists(TasquesError):
    code = "recurring_task_already_exists"

    def __init__(self, recurring_id: str) -> None:
        super().__init__(f"Id already exists [{recurring_id}]", id=recurring_id)


class TaskAlreadyFinished(TasquesError):
    code = "task_already_finished"

    def __init__(self, task_id: str, state: str) -> None:
        super().__init__(f"The Task [{task_id}] is already {state}", id=task_id, state=state)


class AdminJobNotFound(TasquesError):
    code = "admin_job_not_found"

    def __init__(self, job_id: str) -> None:
        super().__init__(f"Could not find admin job [{job_id}]", id=job_id)


class InvalidTransition(TasquesError):
    """An admin action that the task's current state does not allow (retrying a queued task, say)."""

    code = "invalid_transition"

    def __init__(self, task_id: str, action: str, state: str) -> None:
        super().__init__(
            f"The Task [{task_id}] cannot be {action} in state [{state}]", id=task_id, state=state
        )


class AccessDenied(TasquesError):
    """Authenticated, but the credentials do not cover this action or queue."""

    code = "forbidden"


class PipelineNotFound(TasquesError):
    code = "pipeline_not_found"

    def __init__(self, pipeline_id: str) -> None:
        super().__init__(f"Could not find pipeline [{pipeline_id}]", id=pipeline_id)


class PipelineAlreadyExists(TasquesError):
    code = "pipeline_already_exists"

    def __init__(self, pipeline_id: str) -> None:
        super().__init__(f"Pipeline with Id [{pipeline_id}] already exists", id=pipeline_id)


class PushWorkerNotFound(TasquesError):
    code = "push_worker_not_found"

    def __init__(self, worker_id: str) -> None:
        super().__init__(f"Could not find push worker [{worker_id}]", id=worker_id)


class PushWorkerAlreadyExists(TasquesError):
    code = "push_worker_already_exists"

    def __init__(self, worker_id: str) -> None:
        super().__init__(f"Push worker with Id [{worker_id}] already exists", id=worker_id)
