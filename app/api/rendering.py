"""Render wire models with optional fields omitted; nulls inside free-form payloads survive."""

from collections.abc import Sequence

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
