"""Finishing many claimed tasks in one request (extension): ``POST /tasques/batch/finish``."""

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from app.api.auth import require_queues
from app.api.dependencies import Finisher
from app.api.errors import error_responses, status_for
from app.api.rendering import JSON
from app.api.request_models import JsonObjectBody
from app.api.strict_json import StrictJsonRoute
from app.api.task_json import finish_result_json
from app.api.wire_models import WireFinishResult
from app.api.worker_headers import WorkerId, claimant_from_headers
from app.domain.task import Task
from app.services.batch_finish import FinishItem, Outcome


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


router = APIRouter(route_class=StrictJsonRoute, tags=["tasks"])


@router.post(
    "/tasques/batch/finish",
    operation_id="finish-claimed-tasks",
    summary="Mark many claimed Tasks done, failed or cancelled in one request (extension)",
    description="Each item is checked and written on its own, exactly like the single-task endpoints "
    "(ownership by X-TASQUES-WORKER-ID, lease tokens, state); results come back in item order.",
    response_model=WireFinishResult,
    responses=error_responses(400),
)
async def finish(
    body: FinishBatchBody, request: Request, finisher: Finisher, worker_id: WorkerId = None
) -> Response:
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
    statuses = [200 if isinstance(result, Task) else status_for(result) for result in results]
    return Response(finish_result_json(results, statuses), media_type=JSON)
