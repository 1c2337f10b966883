"""Listing tasks: ``GET /tasques/_search`` with filters, sort and cursor pagination, and aggregations
over everything the filters select (extensions); ``POST /tasques/_search`` takes the same query as a
JSON body (no URL length limit, and easier to build from code)."""

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.aggregation_models import AGGREGATIONS_DESCRIPTION, aggregation_names, wire_aggregations
from app.api.auth import require_queues
from app.api.dependencies import Tasks
from app.api.errors import error_responses
from app.api.rendering import render_task_page
from app.api.search_models import (
    DEFAULT_LIMIT,
    MAX_SEARCH_TEXT_LENGTH,
    SEARCH_DESCRIPTION,
    SearchBody,
    TimeRanges,
    WireTaskPage,
    task_query,
)
from app.api.strict_json import StrictJsonRoute
from app.domain.queries import SortOrder, TaskPage, TaskQuery, TaskSort
from app.domain.states import TaskState
from app.services.task_service import TaskService

TextQuery = Annotated[str | None, Query(max_length=MAX_SEARCH_TEXT_LENGTH)]


router = APIRouter(route_class=StrictJsonRoute, tags=["tasks"])


async def _answer(
    tasks: TaskService, query: TaskQuery, *, limit: int, cursor: str | None, aggs: list[str] | None
) -> Response:
    names = aggregation_names(aggs)
    page = (
        TaskPage(tasks=[], next_cursor=None)
        if limit == 0 and names
        else await tasks.search(query, limit=limit, cursor=cursor)
    )
    found = wire_aggregations(await tasks.aggregate(query, names)) if names else None
    return render_task_page(page.tasks, next_cursor=page.next_cursor, aggregations=found)


@router.get(
    "/tasques/_search",
    operation_id="search-tasks",
    summary="List Tasks, newest first",
    description="Repeated parameters (queue, state, kind) combine with OR. "
    + SEARCH_DESCRIPTION
    + AGGREGATIONS_DESCRIPTION,
    response_model=WireTaskPage,
    responses=error_responses(400),
)
async def search(
    request: Request,
    tasks: Tasks,
    queue: Annotated[list[str] | None, Query()] = None,
    state: Annotated[list[TaskState] | None, Query()] = None,
    kind: Annotated[list[str] | None, Query()] = None,
    worker_id: str | None = None,
    recurring_task_id: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    include_archive: bool = False,
    limit: Annotated[
        int, Query(ge=0, description="0 (with aggs only): no tasks, just aggregations")
    ] = DEFAULT_LIMIT,
    cursor: str | None = None,
    aggs: Annotated[
        list[str] | None, Query(description="Aggregations to compute, comma-separated or repeated")
    ] = None,
    run_at_after: datetime | None = None,
    run_at_before: datetime | None = None,
    claimed_after: datetime | None = None,
    claimed_before: datetime | None = None,
    finished_after: datetime | None = None,
    finished_before: datetime | None = None,
    error_text: TextQuery = None,
    text: TextQuery = None,
    sort: TaskSort = TaskSort.CREATED,
    order: SortOrder = SortOrder.DESC,
) -> Response:
    require_queues(request, queue or [])
    ranges = TimeRanges(
        created_after=created_after,
        created_before=created_before,
        run_at_after=run_at_after,
        run_at_before=run_at_before,
        claimed_after=claimed_after,
        claimed_before=claimed_before,
        finished_after=finished_after,
        finished_before=finished_before,
    )
    query = task_query(
        ranges,
        queues=queue or [],
        states=state or [],
        kinds=kind or [],
        worker_id=worker_id,
        recurring_task_id=recurring_task_id,
        error_text=error_text,
        text=text,
        include_archive=include_archive,
        sort=sort,
        order=order,
    )
    return await _answer(tasks, query, limit=limit, cursor=cursor, aggs=aggs)


@router.post(
    "/tasques/_search",
    operation_id="search-tasks-post",
    summary="List Tasks by a JSON query",
    description="Extension: the query of `GET /tasques/_search` as a JSON body, with the same "
    "names (queue, state and kind are lists) and the same answer. Unknown fields answer 400. "
    + SEARCH_DESCRIPTION
    + AGGREGATIONS_DESCRIPTION,
    response_model=WireTaskPage,
    responses=error_responses(400),
)
async def search_by_body(request: Request, body: SearchBody, tasks: Tasks) -> Response:
    require_queues(request, body.queue)
    return await _answer(tasks, body.to_query(), limit=body.limit, cursor=body.cursor, aggs=body.aggs or None)
