"""Render wire models with optional fields omitted; nulls inside free-form payloads survive."""

from collections.abc import Sequence

from fastapi import Response
from pydantic import BaseModel, TypeAdapter

from app.api.wire_models import WireTask, wire_task
from app.domain.task import Task

_TASK_LIST = TypeAdapter(list[WireTask])
_JSON = "application/json"


def render_model(model: BaseModel, *, status: int = 200) -> Response:
    return Response(model.model_dump_json(exclude_none=True), status_code=status, media_type=_JSON)


def render_task(task: Task, *, status: int = 200) -> Response:
    return render_model(wire_task(task), status=status)


def render_claimed(tasks: Sequence[Task]) -> Response:
    wire = [wire_task(task, for_claimer=True) for task in tasks]
    return Response(_TASK_LIST.dump_json(wire, exclude_none=True), media_type=_JSON)
