"""Render wire models with optional fields omitted; nulls inside free-form payloads survive.

Every response that carries tasks renders them through ``task_json`` (one task, a claim's list, a
search page, a bulk action's sample, a pushed task), so a task reads the same wherever it appears.
"""

from collections.abc import Sequence
from typing import Any

import orjson
from fastapi import Response
from pydantic import BaseModel

from app.api.task_json import task_json, task_list_json
from app.domain.task import Task

JSON = "application/json"


def render_model(model: BaseModel, *, status: int = 200) -> Response:
    return Response(model.model_dump_json(exclude_none=True), status_code=status, media_type=JSON)


def render_task(task: Task, *, status: int = 200) -> Response:
    return Response(task_json(task), status_code=status, media_type=JSON)


def render_claimed(tasks: Sequence[Task]) -> Response:
    return Response(task_list_json(tasks, for_claimer=True), media_type=JSON)


def render_task_page(
    tasks: Sequence[Task], *, next_cursor: str | None, aggregations: BaseModel | None = None
) -> Response:
    """A search page: ``next_cursor`` stays in the body as null on the last page; ``aggregations`` only
    when asked for."""
    page: dict[str, Any] = {"tasks": orjson.Fragment(task_list_json(tasks)), "next_cursor": next_cursor}
    if aggregations is not None:
        page["aggregations"] = orjson.Fragment(aggregations.model_dump_json(exclude_none=True))
    return Response(orjson.dumps(page), media_type=JSON)


def render_task_sample(count: int, sample: Sequence[Task]) -> Response:
    """A bulk action's dry run: how many tasks it would touch, and some of them."""
    return Response(
        orjson.dumps({"count": count, "sample": orjson.Fragment(task_list_json(sample))}), media_type=JSON
    )


def claimed_task_document(task: Task) -> dict[str, Any]:
    """A task as a claim response shows it, as a JSON document (what push delivery sends a worker)."""
    document: dict[str, Any] = orjson.loads(task_json(task, for_claimer=True))
    return document
