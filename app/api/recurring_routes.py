"""Tasques' recurring task endpoints (tag ``recurring-tasks``) plus pause, resume and backfill."""

from fastapi import APIRouter, Request, Response
from pydantic import TypeAdapter

from app.api.auth import covers_queues, require_queues
from app.api.dependencies import MaxBackfillFires, Recurring
from app.api.errors import error_responses
from app.api.recurring_models import (
    BackfillBody,
    NewRecurringBody,
    RecurringUpdateBody,
    ResumeBody,
    WireBackfillResult,
    WireRecurringTask,
    wire_recurring,
)
from app.api.rendering import render_model
from app.api.request_models import aware_utc
from app.api.strict_json import StrictJsonRoute
from app.domain.recurring import RecurringTask
from app.services.recurring_service import RecurringService

_LIST = TypeAdapter(list[WireRecurringTask])


router = APIRouter(route_class=StrictJsonRoute, tags=["recurring-tasks"])


async def _covered(recurring: RecurringService, id: str, request: Request) -> RecurringTask:
    """The definition, if the caller's queues cover the queue it fires into."""
    current = await recurring.get(id)
    require_queues(request, [current.task_definition.queue])
    return current


@router.post(
    "/recurring_tasques",
    operation_id="create-recurring-task",
    summary="Create a new Recurring Task",
    status_code=201,
    response_model=WireRecurringTask,
    responses=error_responses(400, 409),
)
async def create(body: NewRecurringBody, request: Request, recurring: Recurring) -> Response:
    require_queues(request, [body.task_definition.queue])
    created = await recurring.create(
        body.id, body.schedule_expression, body.task_definition.to_definition(), body.policy(current=None)
    )
    return render_model(wire_recurring(created), status=201)


@router.get(
    "/recurring_tasques",
    operation_id="list-existing-recurring-tasks",
    summary="List Recurring Tasks",
    response_model=list[WireRecurringTask],
    responses=error_responses(),
)
async def list_all(request: Request, recurring: Recurring) -> Response:
    covered = [
        item for item in await recurring.list() if covers_queues(request, [item.task_definition.queue])
    ]
    wire = [wire_recurring(item) for item in covered]
    return Response(_LIST.dump_json(wire, exclude_none=True), media_type="application/json")


@router.get(
    "/recurring_tasques/{id}",
    operation_id="get-existing-recurring-task",
    summary="Get a Recurring Task",
    response_model=WireRecurringTask,
    responses=error_responses(404),
)
async def get(id: str, request: Request, recurring: Recurring) -> Response:
    return render_model(wire_recurring(await _covered(recurring, id, request)))


@router.put(
    "/recurring_tasques/{id}",
    operation_id="update-existing-recurring-task",
    summary="Update a Recurring Task",
    description="Fields left out stay as they are; a task_definition replaces the whole definition.",
    response_model=WireRecurringTask,
    responses=error_responses(400, 404, 409),
)
async def update(id: str, body: RecurringUpdateBody, request: Request, recurring: Recurring) -> Response:
    if body.task_definition is not None:
        require_queues(request, [body.task_definition.queue])
    current = await _covered(recurring, id, request)
    return render_model(
        wire_recurring(await recurring.update(id, body.change(current=current.overlap_policy)))
    )


@router.delete(
    "/recurring_tasques/{id}",
    operation_id="delete-existing-recurring-task",
    summary="Delete a Recurring Task",
    description="Returns the definition as it was. Tasks it already enqueued are left alone.",
    response_model=WireRecurringTask,
    responses=error_responses(404),
)
async def delete(id: str, request: Request, recurring: Recurring) -> Response:
    await _covered(recurring, id, request)
    return render_model(wire_recurring(await recurring.delete(id)))


@router.post(
    "/recurring_tasques/{id}/pause",
    operation_id="pause-recurring-task",
    summary="Stop firing until resumed (extension)",
    response_model=WireRecurringTask,
    responses=error_responses(404),
)
async def pause(id: str, request: Request, recurring: Recurring) -> Response:
    await _covered(recurring, id, request)
    return render_model(wire_recurring(await recurring.pause(id)))


@router.post(
    "/recurring_tasques/{id}/resume",
    operation_id="resume-recurring-task",
    summary="Fire again from the next fire on (extension)",
    description="Fires that fell while paused do not happen (use backfill for a range of them), "
    'unless the body says {"catch_up": true}: then those within the catch-up window are enqueued on the '
    "scheduler's next pass, oldest first.",
    response_model=WireRecurringTask,
    responses=error_responses(400, 404),
)
async def resume(id: str, request: Request, recurring: Recurring, body: ResumeBody | None = None) -> Response:
    await _covered(recurring, id, request)
    catch_up = body is not None and body.catch_up
    return render_model(wire_recurring(await recurring.resume(id, catch_up=catch_up)))


@router.post(
    "/recurring_tasques/{id}/backfill",
    operation_id="backfill-recurring-task",
    summary="Enqueue every fire time in [start, end] (extension)",
    description="Fire times whose task already exists are counted as duplicates, so a repeated backfill "
    "enqueues nothing twice. The overlap policy does not apply.",
    response_model=WireBackfillResult,
    responses=error_responses(400, 404),
)
async def backfill(
    id: str, body: BackfillBody, request: Request, recurring: Recurring, max_backfill_fires: MaxBackfillFires
) -> Response:
    await _covered(recurring, id, request)
    report = await recurring.backfill(
        id,
        start=aware_utc(body.start, "start"),
        end=aware_utc(body.end, "end"),
        max_fires=max_backfill_fires,
    )
    return render_model(WireBackfillResult(enqueued=report.enqueued, duplicates=report.duplicates))
