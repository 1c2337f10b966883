"""Cancellation, results and attempt history (extensions beyond Tasques)."""

from fastapi import APIRouter, Response

from app.api.dependencies import History, Tasks, Waits
from app.api.errors import error_responses
from app.api.rendering import render_model, render_task
from app.api.request_models import CancelBody, DataBody
from app.api.strict_json import StrictJsonRoute
from app.api.wire_models import WireAttempt, WireAttempts, WireTask, WireTaskEvent, WireTaskResult
from app.api.worker_headers import LeaseToken, WorkerId, claimant_from_headers
from app.domain.errors import TaskNotFound
from app.domain.queue_names import ensure_valid_queue_name
from app.services.history import attempts_from
from app.services.waiting import ResultStatus

router = APIRouter(route_class=StrictJsonRoute, tags=["tasks"])


@router.post(
    "/tasques/{queue}/{id}/cancel",
    operation_id="cancel-task",
    summary="Cancel a Task",
    description="A queued or waiting task becomes cancelled at once and is never claimed. A claimed task "
    "gets cancel_requested: its worker sees it in the response to its next report and ends the task with "
    "PUT /tasques/cancelled/{queue}/{id}; if it never does, the reaper cancels it at its timeout. "
    "A finished task answers 409.",
    response_model=WireTask,
    responses=error_responses(400, 404, 409),
)
async def cancel(queue: str, id: str, tasks: Tasks, body: CancelBody | None = None) -> Response:
    return render_task(await tasks.cancel(queue, id, body.reason if body else None))


@router.put(
    "/tasques/cancelled/{queue}/{id}",
    operation_id="mark-claimed-task-cancelled",
    summary="Mark a claimed Task as cancelled (its worker stopped it)",
    response_model=WireTask,
    responses=error_responses(400, 403, 404, 409),
)
async def cancelled(
    queue: str,
    id: str,
    body: DataBody,
    tasks: Tasks,
    worker_id: WorkerId = None,
    lease_token: LeaseToken = None,
) -> Response:
    claimant = claimant_from_headers(worker_id, lease_token)
    return render_task(await tasks.mark_cancelled(queue, id, claimant, body.data))


@router.get(
    "/tasques/{queue}/{id}/result",
    operation_id="get-task-result",
    summary="Get a finished Task's result",
    description="200 with the result once the task is done, dead or cancelled; 202 while it is not "
    "finished; 404 once the result is older than the result TTL.",
    response_model=WireTaskResult,
    responses={
        **error_responses(400, 404),
        202: {"description": "Not finished yet", "model": WireTaskResult},
    },
)
async def result(queue: str, id: str, waits: Waits) -> Response:
    found = await waits.result(ensure_valid_queue_name(queue), id)
    task = found.task
    if found.status is ResultStatus.EXPIRED:
        raise TaskNotFound(queue, id) from None
    body = WireTaskResult(
        queue=task.queue,
        id=task.id,
        state=task.state.value,
        at=found.result.at if found.result else None,
        expires_at=found.expires_at,
        success=found.result.success if found.result else None,
        failure=found.result.failure if found.result else None,
    )
    return render_model(body, status=202 if found.status is ResultStatus.PENDING else 200)


@router.get(
    "/tasques/{queue}/{id}/attempts",
    operation_id="get-task-attempts",
    summary="A Task's attempt history",
    description="Every claim, sampled report, finish, failure, timeout, unclaim and cancel, grouped by "
    "attempt; available after the task is archived too.",
    response_model=WireAttempts,
    responses=error_responses(400, 404),
)
async def attempts(queue: str, id: str, tasks: Tasks, history: History) -> Response:
    events = await history.events(ensure_valid_queue_name(queue), id)
    if not events:
        await tasks.get_task(queue, id)  # 404 for a task that never existed
    wire = [
        WireAttempt(
            attempt=attempt.attempt,
            worker_id=attempt.worker_id,
            claimed_at=attempt.claimed_at,
            ended_at=attempt.ended_at,
            outcome=attempt.outcome,
            error=attempt.error,
            events=[
                WireTaskEvent(
                    kind=event.kind.value,
                    at=event.at,
                    attempt=event.attempt,
                    worker_id=event.worker_id,
                    error=event.error,
                    data=event.data,
                )
                for event in attempt.events
            ],
        )
        for attempt in attempts_from(events)
    ]
    return render_model(WireAttempts(queue=queue, id=id, attempts=wire))
