"""Listing tasks: ``GET /tasques/_search`` with filters and cursor pagination, and aggregations over
everything the filters select (extensions)."""

import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from app.api.aggregation_models import (
    AGGREGATIONS_DESCRIPTION,
    WireAggregations,
    aggregation_names,
    wire_aggregations,
)
from app.api.auth import require_queues
from app.api.request_models import aware_utc
from app.api.task_routes import error_responses
from app.api.wire_models import WireTask, wire_task
from app.domain.states import TaskState
from app.services.task_service import TaskService
from app.storage.port import TaskPage, TaskQuery


class WireTaskPage(BaseModel):
    tasks: list[WireTask]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on the last page")
    aggregations: WireAggregations | None = Field(
        default=None, description="Extension: present only when aggs names aggregations"
    )


def search_router(tasks: TaskService) -> APIRouter:
    router = APIRouter(tags=["tasks"])

    @router.get(
        "/tasques/_search",
        operation_id="search-tasks",
        summary="List Tasks, newest first",
        description="Filters combine with AND; repeated parameters (queue, state, kind) combine with OR. "
        "On Elasticsearch the listing shows writes after the index refresh (1 s by default). "
        + AGGREGATIONS_DESCRIPTION,
        response_model=WireTaskPage,
        responses=error_responses(400),
    )
    async def search(
        request: Request,
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
        ] = 50,
        cursor: str | None = None,
        aggs: Annotated[
            list[str] | None, Query(description="Aggregations to compute, comma-separated or repeated")
        ] = None,
    ) -> Response:
        require_queues(request, queue or [])
        names = aggregation_names(aggs)
        query = TaskQuery(
            queues=tuple(queue or ()),
            states=tuple(state or ()),
            kinds=tuple(kind or ()),
            worker_id=worker_id,
            recurring_task_id=recurring_task_id,
            created_after=aware_utc(created_after, "created_after") if created_after else None,
            created_before=aware_utc(created_before, "created_before") if created_before else None,
            include_archive=include_archive,
        )
        page = (
            TaskPage(tasks=[], next_cursor=None)
            if limit == 0 and names
            else await tasks.search(query, limit=limit, cursor=cursor)
        )
        # next_cursor stays in the body as null on the last page; optional task fields are omitted.
        listed = ",".join(wire_task(task).model_dump_json(exclude_none=True) for task in page.tasks)
        body = f'{{"tasks":[{listed}],"next_cursor":{json.dumps(page.next_cursor)}'
        if names:
            found = wire_aggregations(await tasks.aggregate(query, names))
            body += f',"aggregations":{found.model_dump_json(exclude_none=True)}'
        return Response(body + "}", media_type="application/json")

    return router
