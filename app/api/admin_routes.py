"""Queues overview and pause/resume, single-task admin actions and query-driven bulk actions (extensions)."""

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, model_validator

from app.api.auth import covers_queues, require_queues
from app.api.dependencies import Admin, CurrentClock
from app.api.errors import error_responses
from app.api.rendering import render_model, render_task, render_task_sample
from app.api.search_models import TaskFilterBody
from app.api.strict_json import StrictJsonRoute
from app.api.wire_models import WireTask
from app.domain.admin_jobs import AdminJob
from app.domain.aggregations import COUNTED_FINISHED_STATES
from app.domain.bounds import PRIORITY_MAX, PRIORITY_MIN
from app.domain.errors import InvalidInput
from app.domain.queries import TaskQuery
from app.services.admin_service import AdminAction, AdminService, QueueOverview, Throughput

_OLDER_SPELLINGS = {"queues": "queue", "states": "state", "kinds": "kind"}


class BulkQueryBody(TaskFilterBody):
    """The filters of ``POST /tasques/_search``, by the same names and with the same 400s; queues,
    states and kinds, the names bulk queries had before they took the full search query, still work."""

    @model_validator(mode="before")
    @classmethod
    def _accept_older_spellings(cls, data: object) -> object:
        if not isinstance(data, dict):
            return data
        for older, name in _OLDER_SPELLINGS.items():
            if older in data and name in data:
                raise ValueError(f"{older} and {name} name the same filter: give one")
        return {_OLDER_SPELLINGS.get(name, name): value for name, value in data.items()}

    def to_query(self) -> TaskQuery:
        return self.filter_query()


class BulkBody(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    query: BulkQueryBody = Field(
        default_factory=BulkQueryBody,
        description="Which live tasks, by the filters of POST /tasques/_search; empty means all of them",
    )
    dry_run: bool = False
    priority: StrictInt | None = Field(
        default=None, ge=PRIORITY_MIN, le=PRIORITY_MAX, description="reprioritize only"
    )


class PriorityBody(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    priority: StrictInt = Field(ge=PRIORITY_MIN, le=PRIORITY_MAX)


class WireThroughput(BaseModel):
    window_seconds: int
    done: int
    failed: int = Field(description="Failed attempts now waiting for a retry")
    dead: int
    cancelled: int


class WireQueue(BaseModel):
    queue: str
    counts: dict[str, int]
    oldest_queued_age_seconds: float | None = None
    paused: bool
    unclaimable: int | None = Field(
        default=None,
        description="Extension: waiting tasks whose required_capabilities no worker declared in a claim "
        "within tasks.flow_control.capabilities_live_for",
    )
    throughput: list[WireThroughput] | None = Field(
        default=None,
        description="Extension: tasks (live and archived) now done, failed, dead or cancelled whose last "
        "change (metadata.modified_at) falls within the last window_seconds, per window (1 and 5 minutes). "
        "Counted by current state: a failed task claimed again no longer counts",
    )


class WireQueues(BaseModel):
    queues: list[WireQueue]


class WireAdminJob(BaseModel):
    id: str
    action: str
    status: str = Field(examples=["pending", "running", "done"])
    total: int = Field(description="Tasks matching the query when the job started")
    processed: int
    succeeded: int
    skipped: int = Field(description="Changed meanwhile or no longer allowing the action")
    created_at: datetime
    updated_at: datetime


class WireJobEnvelope(BaseModel):
    job: WireAdminJob


class WireBulkPreview(BaseModel):
    count: int
    sample: list[WireTask]


def _wire_job(job: AdminJob) -> WireAdminJob:
    return WireAdminJob(
        id=job.id,
        action=job.action,
        status=job.status,
        total=job.total,
        processed=job.processed,
        succeeded=job.succeeded,
        skipped=job.skipped,
        created_at=job.created_at,
        updated_at=job.updated_at,
    )


def _wire_throughput(throughput: Throughput) -> WireThroughput:
    counts = throughput.counts
    return WireThroughput(
        window_seconds=int(throughput.window.total_seconds()),
        **{state.value: counts.get(state, 0) for state in COUNTED_FINISHED_STATES},
    )


def _wire_queue(entry: QueueOverview, *, now: datetime) -> WireQueue:
    stats = entry.stats
    return WireQueue(
        queue=entry.queue,
        counts={state.value: count for state, count in (stats.counts.items() if stats else [])},
        oldest_queued_age_seconds=(
            max((now - stats.oldest_queued_run_at).total_seconds(), 0.0)
            if stats and stats.oldest_queued_run_at
            else None
        ),
        paused=entry.paused,
        unclaimable=entry.unclaimable,
        throughput=[_wire_throughput(throughput) for throughput in entry.throughput],
    )


router = APIRouter(route_class=StrictJsonRoute, tags=["operations"])


@router.get(
    "/queues",
    operation_id="list-queues",
    summary="Queues with counts per state",
    description="A key limited to some queues sees only the queues it covers.",
    response_model=WireQueues,
)
async def queues(request: Request, admin: Admin, clock: CurrentClock) -> Response:
    now = clock.now_utc()
    covered = [entry for entry in await admin.queues() if covers_queues(request, [entry.queue])]
    return render_model(WireQueues(queues=[_wire_queue(entry, now=now) for entry in covered]))


# The ``paused`` and ``action`` query parameters below are in the published OpenAPI document (they began as
# default arguments of handlers built in a loop) and generated clients carry them, so they stay as they were.


def _pause_summary(verb: str) -> str:
    return (
        f"{verb} claiming from a queue (enqueueing always works); answers its summary as GET /queues lists it"
    )


@router.post(
    "/queues/{queue}/pause",
    operation_id="pause-queue",
    summary=_pause_summary("Pause"),
    response_model=WireQueue,
    responses=error_responses(400),
)
async def pause_queue(queue: str, admin: Admin, clock: CurrentClock, paused: bool = True) -> Response:
    _only_own("paused", paused, expected=True, route="pause")
    entry = await admin.pause(queue, paused=True)
    return render_model(_wire_queue(entry, now=clock.now_utc()))


@router.post(
    "/queues/{queue}/resume",
    operation_id="resume-queue",
    summary=_pause_summary("Resume"),
    response_model=WireQueue,
    responses=error_responses(400),
)
async def resume_queue(queue: str, admin: Admin, clock: CurrentClock, paused: bool = False) -> Response:
    _only_own("paused", paused, expected=False, route="resume")
    entry = await admin.pause(queue, paused=False)
    return render_model(_wire_queue(entry, now=clock.now_utc()))


def _only_own(name: str, value: object, *, expected: object, route: str) -> None:
    """These routes once declared their loop variables as query parameters, and the committed OpenAPI
    (and the clients generated from it) still list them; any value but the route's own is refused."""
    if value != expected:
        raise InvalidInput(f"The {route} route takes no other {name} than {expected!s}; got {value!s}")


async def _act(
    admin: AdminService, action: AdminAction, queue: str, id: str, *, priority: int | None = None
) -> Response:
    task = await admin.act_on_task(action, queue, id, priority=priority)
    assert task is not None  # every action but delete answers the task
    return render_task(task)


@router.post(
    "/tasques/{queue}/{id}/retry",
    operation_id="retry-task",
    summary="Retry a dead, cancelled or failed Task, archived ones too, with fresh attempts",
    response_model=WireTask,
    responses=error_responses(400, 404, 409),
)
async def retry_task(queue: str, id: str, admin: Admin, action: AdminAction = AdminAction.RETRY) -> Response:
    _only_own("action", action, expected=AdminAction.RETRY, route="retry")
    return await _act(admin, AdminAction.RETRY, queue, id)


@router.post(
    "/tasques/{queue}/{id}/requeue",
    operation_id="requeue-task",
    summary="Make a waiting Task due now",
    response_model=WireTask,
    responses=error_responses(400, 404, 409),
)
async def requeue_task(
    queue: str, id: str, admin: Admin, action: AdminAction = AdminAction.REQUEUE
) -> Response:
    _only_own("action", action, expected=AdminAction.REQUEUE, route="requeue")
    return await _act(admin, AdminAction.REQUEUE, queue, id)


@router.post(
    "/tasques/{queue}/{id}/reprioritize",
    operation_id="reprioritize-task",
    summary="Change an unfinished Task's priority",
    response_model=WireTask,
    responses=error_responses(400, 404, 409),
)
async def reprioritize(queue: str, id: str, body: PriorityBody, admin: Admin) -> Response:
    return await _act(admin, AdminAction.REPRIORITIZE, queue, id, priority=body.priority)


@router.delete(
    "/tasques/{queue}/{id}",
    operation_id="delete-task",
    summary="Delete a Task that is not claimed (its history stays)",
    status_code=204,
    responses=error_responses(400, 404, 409),
)
async def delete(queue: str, id: str, admin: Admin) -> Response:
    await admin.act_on_task(AdminAction.DELETE, queue, id)
    return Response(status_code=204)


@router.post(
    "/tasques/_bulk/{action}",
    operation_id="bulk-action",
    summary="Apply an action to every live Task matching a query (retry: archived ones too)",
    description="The query takes the filters of POST /tasques/_search by the same names, with the same "
    "400s (no sort, order, limit, cursor or aggs; include_archive only for retry, which brings archived "
    "tasks back live: for other actions archived tasks are read-only), so it selects exactly the tasks "
    "that search lists. dry_run answers the count and "
    "a sample. Otherwise 202 with an admin job that the leader works through in batches, newest created "
    "first; follow it at GET /admin/jobs/{id}. Tasks that changed meanwhile are skipped and counted.",
    responses={**error_responses(400), 202: {"model": WireJobEnvelope}, 200: {"model": WireBulkPreview}},
)
async def bulk(action: AdminAction, body: BulkBody, request: Request, admin: Admin) -> Response:
    require_queues(request, body.query.queue)
    query = body.query.to_query()
    if body.dry_run:
        preview = await admin.preview(action, query, priority=body.priority)
        return render_task_sample(preview.count, preview.sample)
    job = await admin.start_job(action, query, priority=body.priority)
    return render_model(WireJobEnvelope(job=_wire_job(job)), status=202)


@router.get(
    "/admin/jobs/{id}",
    operation_id="get-admin-job",
    summary="Progress of a bulk action",
    response_model=WireJobEnvelope,
    responses=error_responses(404),
)
async def job(id: str, request: Request, admin: Admin) -> Response:
    found = await admin.get_job(id)
    require_queues(request, found.query.queues)  # a job over every queue needs an unscoped key
    return render_model(WireJobEnvelope(job=_wire_job(found)))
