"""Tasques' task endpoints (tag ``tasks``) plus batch enqueue and lease tokens."""

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.auth import require_queues
from app.api.dependencies import Claims, Tasks, Waits
from app.api.errors import error_responses
from app.api.rendering import JSON, render_claimed, render_task
from app.api.request_models import ClaimBody, DataBody, NewTaskBatchBody, NewTaskBody, ReportBody
from app.api.strict_json import StrictJsonRoute
from app.api.task_json import batch_result_json
from app.api.wire_models import WireBatchResult, WireTask
from app.api.worker_headers import LeaseToken, WorkerId, claimant_from_headers
from app.domain.durations import parse_go_duration
from app.domain.errors import TaskAlreadyExists
from app.domain.states import FINISHED_STATES
from app.domain.task import Task
from app.services.waiting import WaitService

router = APIRouter(route_class=StrictJsonRoute, tags=["tasks"])
_OWNED = error_responses(400, 403, 404, 409)

WaitQuery = Annotated[
    str | None,
    Query(
        description="Extension: hold the request until the task is done, dead or cancelled, up to this Go "
        "duration; 202 with the task if it is still unfinished then",
        examples=["30s"],
    ),
]


def _wait_duration(waits: WaitService, wait: str | None) -> timedelta | None:
    if wait is None:
        return None
    duration = parse_go_duration(wait)
    waits.validate_wait(duration)
    return duration


@router.post(
    "/tasques",
    operation_id="create-task",
    summary="Add a new Task",
    status_code=201,
    response_model=WireTask,
    responses={
        **error_responses(400, 409),
        202: {"description": "wait ran out: the task, still unfinished", "model": WireTask},
    },
)
async def create_task(
    new_task: NewTaskBody, request: Request, tasks: Tasks, waits: Waits, wait: WaitQuery = None
) -> Response:
    require_queues(request, [new_task.queue])
    wait_for = _wait_duration(waits, wait)
    created = await tasks.create_task(new_task.to_new_task())
    if wait_for is None:
        return render_task(created, status=201)
    (latest,) = await waits.until_finished([created], wait=wait_for, client_gone=request.is_disconnected)
    return render_task(latest, status=201 if latest.state in FINISHED_STATES else 202)


@router.post(
    "/tasques/batch",
    operation_id="create-tasks",
    summary="Add many Tasks in one request (extension)",
    description="All items are validated first (one bad item: 400, nothing stored); then each is created "
    "or reported as a 409 conflict on its own.",
    response_model=WireBatchResult,
    responses={**error_responses(400), 202: {"description": "wait ran out", "model": WireBatchResult}},
)
async def create_tasks(
    batch: NewTaskBatchBody, request: Request, tasks: Tasks, waits: Waits, wait: WaitQuery = None
) -> Response:
    require_queues(request, [item.queue for item in batch.tasks])
    wait_for = _wait_duration(waits, wait)
    results = await tasks.create_tasks([item.to_new_task() for item in batch.tasks])
    if wait_for is not None:
        created = [result for result in results if isinstance(result, Task)]
        finished = iter(
            await waits.until_finished(created, wait=wait_for, client_gone=request.is_disconnected)
        )
        results = [result if isinstance(result, TaskAlreadyExists) else next(finished) for result in results]
    unfinished = wait_for is not None and any(
        isinstance(result, Task) and result.state not in FINISHED_STATES for result in results
    )
    return Response(batch_result_json(results), status_code=202 if unfinished else 200, media_type=JSON)


@router.get(
    "/tasques/{queue}/{id}",
    operation_id="get-existing-task",
    summary="Get a Task",
    response_model=WireTask,
    responses=error_responses(400, 404),
)
async def get_task(queue: str, id: str, tasks: Tasks) -> Response:
    return render_task(await tasks.get_task(queue, id))


@router.post(
    "/tasques/claims",
    operation_id="claim-tasks",
    summary="Claims a number of Tasks",
    description="Long-polls up to block_for until amount tasks are claimed. Each returned task carries "
    "a lease_token (extension).",
    response_model=list[WireTask],
    responses=error_responses(400),
)
async def claim_tasks(
    claim: ClaimBody, request: Request, claims: Claims, worker_id: WorkerId = None
) -> Response:
    require_queues(request, claim.queues)
    order = claims.order_with_defaults(
        claimant_from_headers(worker_id, None).worker_id,
        claim.queues,
        amount=claim.amount,
        block_for=claim.block_for,
        capabilities=claim.capabilities,
    )
    return render_claimed(await claims.claim(order, client_gone=request.is_disconnected))


@router.delete(
    "/tasques/claims/{queue}/{id}",
    operation_id="unclaim-existing-task",
    summary="Unclaims a claimed Task",
    description="Back to queued without spending an attempt.",
    response_model=WireTask,
    responses=_OWNED,
)
async def unclaim(
    queue: str, id: str, tasks: Tasks, worker_id: WorkerId = None, lease_token: LeaseToken = None
) -> Response:
    return render_task(await tasks.unclaim(queue, id, claimant_from_headers(worker_id, lease_token)))


@router.put(
    "/tasques/reports/{queue}/{id}",
    operation_id="report-on-claimed-task",
    summary="Reports on a claimed Task",
    description="Heartbeat: stores data as the last report and extends times_out_at by processing_timeout.",
    response_model=WireTask,
    responses=_OWNED,
)
async def report(
    queue: str,
    id: str,
    body: ReportBody,
    tasks: Tasks,
    worker_id: WorkerId = None,
    lease_token: LeaseToken = None,
) -> Response:
    claimant = claimant_from_headers(worker_id, lease_token)
    return render_task(await tasks.report_in(queue, id, claimant, body.data, body.checkpoint))


@router.put(
    "/tasques/done/{queue}/{id}",
    operation_id="mark-claimed-task-done",
    summary="Mark Task as Done",
    response_model=WireTask,
    responses=_OWNED,
)
async def done(
    queue: str,
    id: str,
    body: DataBody,
    tasks: Tasks,
    worker_id: WorkerId = None,
    lease_token: LeaseToken = None,
) -> Response:
    claimant = claimant_from_headers(worker_id, lease_token)
    return render_task(await tasks.mark_done(queue, id, claimant, body.data))


@router.put(
    "/tasques/failed/{queue}/{id}",
    operation_id="mark-claimed-task-failed",
    summary="Mark Task as Failed",
    description="Re-queued with backoff while attempts remain (retry_times + 1 runs in all), else dead.",
    response_model=WireTask,
    responses=_OWNED,
)
async def failed(
    queue: str,
    id: str,
    body: DataBody,
    tasks: Tasks,
    worker_id: WorkerId = None,
    lease_token: LeaseToken = None,
) -> Response:
    claimant = claimant_from_headers(worker_id, lease_token)
    return render_task(await tasks.mark_failed(queue, id, claimant, body.data))
