"""Finishing many claimed tasks in one request (extension): ``POST /tasques/batch/finish``."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from app.api.auth import require_queues
from app.api.errors import status_for
from app.api.rendering import render_model
from app.api.request_models import JsonObjectBody
from app.api.task_routes import WorkerId, claimant_from_headers, error_responses
from app.api.wire_models import ErrorBody, WireTask, wire_task
from app.domain.task import Task
from app.services.batch_finish import BatchFinisher, FinishItem, Outcome


class FinishItemBody(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    queue: StrictStr
    id: StrictStr
    outcome: Outcome = Field(
        description="done, failed (re-queued with backoff while attempts remain) or cancelled"
    )
    data: JsonObjectBody | None = None
    lease_token: StrictStr | None = Field(
        default=None, description="The claim's lease token; stale ones get 409"
    )


class FinishBatchBody(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    items: list[FinishItemBody] = Field(min_length=1)


class WireFinishItem(BaseModel):
    status: int = Field(description="200, or the status the single-task endpoint would have answered")
    task: WireTask | None = None
    error: ErrorBody | None = None


class WireFinishResult(BaseModel):
    succeeded: int
    failed: int
    results: list[WireFinishItem]


def batch_finish_router(finisher: BatchFinisher) -> APIRouter:
    router = APIRouter(tags=["tasks"])

    @router.post(
        "/tasques/batch/finish",
        operation_id="finish-claimed-tasks",
        summary="Mark many claimed Tasks done, failed or cancelled in one request (extension)",
        description="Each item is checked and written on its own, exactly like the single-task endpoints "
        "(ownership by X-TASQUES-WORKER-ID, lease tokens, state); results come back in item order.",
        response_model=WireFinishResult,
        responses=error_responses(400),
    )
    async def finish(body: FinishBatchBody, request: Request, worker_id: WorkerId = None) -> Response:
        require_queues(request, {item.queue for item in body.items})
        worker = claimant_from_headers(worker_id, None).worker_id
        items = [
            FinishItem(
                queue=item.queue,
                id=item.id,
                outcome=item.outcome,
                data=item.data,
                lease_token=item.lease_token,
            )
            for item in body.items
        ]
        results = await finisher.finish(worker, items)
        wire = [
            WireFinishItem(status=200, task=wire_task(result))
            if isinstance(result, Task)
            else WireFinishItem(
                status=status_for(result), error=ErrorBody(message=result.message, error=result.code)
            )
            for result in results
        ]
        succeeded = sum(1 for item in wire if item.status == 200)
        return render_model(WireFinishResult(succeeded=succeeded, failed=len(wire) - succeeded, results=wire))

    return router
