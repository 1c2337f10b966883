"""Push workers (extension, tag ``push-workers``): register an HTTP endpoint the leader pushes tasks to.

The shared secret goes in once, at registration, and never comes back out: no response carries it.
"""

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr, TypeAdapter

from app.api.auth import covers_queues, require_queues
from app.api.dependencies import PushWorkers
from app.api.errors import error_responses
from app.api.rendering import render_model
from app.api.strict_json import StrictJsonRoute
from app.domain.bounds import PUSH_MAX_IN_FLIGHT_MAX
from app.domain.push_workers import PushWorker
from app.services.push_workers import NewPushWorker, claiming_worker_id


class NewPushWorkerBody(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    id: StrictStr | None = Field(default=None, description="Optional; letters, digits, '.', '_', '-'")
    url: StrictStr = Field(
        examples=["https://worker.example.com/tasques"], description="Tasks are POSTed here"
    )
    queues: list[StrictStr] = Field(description="Queues to serve; an empty list means every queue")
    capabilities: list[StrictStr] = Field(default_factory=list, description="What this worker can do")
    max_in_flight: StrictInt = Field(
        default=1, ge=1, le=PUSH_MAX_IN_FLIGHT_MAX, description="Most tasks the worker holds at once"
    )
    secret: StrictStr = Field(
        description="Shared secret (16 to 1024 characters): each delivery carries X-Tasques-Signature: "
        "sha256=<hex HMAC-SHA256 of the body>. Never returned."
    )

    def to_new_push_worker(self) -> NewPushWorker:
        return NewPushWorker(
            id=self.id,
            url=self.url,
            queues=self.queues,
            capabilities=self.capabilities,
            max_in_flight=self.max_in_flight,
            secret=self.secret,
        )


class WireDeliveryState(BaseModel):
    consecutive_failures: int
    retry_at: datetime | None = Field(default=None, description="No delivery before this (backing off)")
    last_error: str | None = None
    last_failure_at: datetime | None = None


class WirePushWorker(BaseModel):
    id: str
    worker_id: str = Field(description="The X-TASQUES-WORKER-ID its tasks are claimed under: push:<id>")
    url: str
    queues: list[str]
    capabilities: list[str]
    max_in_flight: int
    created_at: datetime
    delivery: WireDeliveryState


_LIST = TypeAdapter(list[WirePushWorker])


def wire_push_worker(worker: PushWorker) -> WirePushWorker:
    return WirePushWorker(
        id=worker.id,
        worker_id=claiming_worker_id(worker.id),
        url=worker.url,
        queues=list(worker.queues),
        capabilities=list(worker.capabilities),
        max_in_flight=worker.max_in_flight,
        created_at=worker.created_at,
        delivery=WireDeliveryState(
            consecutive_failures=worker.consecutive_failures,
            retry_at=worker.retry_at,
            last_error=worker.last_error,
            last_failure_at=worker.last_failure_at,
        ),
    )


router = APIRouter(route_class=StrictJsonRoute, tags=["push-workers"])


@router.post(
    "/workers/push",
    operation_id="register-push-worker",
    summary="Register an HTTP worker that tasks are pushed to (extension)",
    description="The leader claims tasks for it (worker id push:<id>, at most max_in_flight at once) and "
    "POSTs each as {task, worker_id, lease_token, sent_at}, signed with the secret. The worker answers "
    '202 (it reports later through the normal endpoints) or 200 {"outcome": "done" | "failed", '
    '"data": {...}}. Unreachable workers and non-2xx answers are backed off; their task is unclaimed.',
    status_code=201,
    response_model=WirePushWorker,
    responses=error_responses(400, 409),
)
async def register(body: NewPushWorkerBody, request: Request, push_workers: PushWorkers) -> Response:
    require_queues(request, body.queues)
    worker = await push_workers.register(body.to_new_push_worker())
    return render_model(wire_push_worker(worker), status=201)


@router.get(
    "/workers/push",
    operation_id="list-push-workers",
    summary="List push workers (extension)",
    response_model=list[WirePushWorker],
    responses=error_responses(),
)
async def list_all(request: Request, push_workers: PushWorkers) -> Response:
    covered = [worker for worker in await push_workers.list() if covers_queues(request, worker.queues)]
    wire = [wire_push_worker(worker) for worker in covered]
    return Response(_LIST.dump_json(wire, exclude_none=True), media_type="application/json")


@router.get(
    "/workers/push/{id}",
    operation_id="get-push-worker",
    summary="A push worker and its delivery state (extension)",
    response_model=WirePushWorker,
    responses=error_responses(404),
)
async def get(id: str, request: Request, push_workers: PushWorkers) -> Response:
    worker = await push_workers.get(id)
    require_queues(request, worker.queues)
    return render_model(wire_push_worker(worker))


@router.delete(
    "/workers/push/{id}",
    operation_id="delete-push-worker",
    summary="Stop pushing to a worker (extension)",
    description="Returns the registration as it was. Tasks it holds stay claimed: it may still report "
    "them, or the reaper times them out.",
    response_model=WirePushWorker,
    responses=error_responses(404),
)
async def delete(id: str, request: Request, push_workers: PushWorkers) -> Response:
    require_queues(request, (await push_workers.get(id)).queues)
    return render_model(wire_push_worker(await push_workers.delete(id)))
