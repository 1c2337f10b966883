"""Leader status and Prometheus metrics."""

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from pydantic import BaseModel, Field

from app.api.auth import require_unscoped
from app.api.dependencies import LeaderStatusSource
from app.api.rendering import render_model
from app.api.strict_json import StrictJsonRoute


class WireLeaderStatus(BaseModel):
    role: str = Field(examples=["leader"], description="This server's role: leader or follower")
    server_id: str = Field(description="This server's id in the leader lock")
    leader_id: str | None = Field(default=None, description="The lock holder this server last saw, if any")
    leader_services: list[str] = Field(default_factory=list, description="Leader-only services running here")


def leader_router(
    status: LeaderStatusSource, registry: CollectorRegistry, before_scrape: Callable[[], Awaitable[None]]
) -> APIRouter:
    router = APIRouter(route_class=StrictJsonRoute, tags=["operations"])

    @router.get(
        "/leader",
        operation_id="leader-status",
        summary="Leader election status",
        response_model=WireLeaderStatus,
    )
    async def leader() -> Response:
        current = status()
        return render_model(
            WireLeaderStatus(
                role=current.role,
                server_id=current.server_id,
                leader_id=current.leader_id,
                leader_services=current.leader_services,
            )
        )

    @router.get(
        "/metrics",
        operation_id="metrics",
        summary="Prometheus metrics",
        description="Series of every queue, so keys limited to some queues get 403: scrape with an unscoped key.",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "Prometheus text format"}},
    )
    async def metrics(request: Request) -> Response:
        require_unscoped(request, "/metrics (series of every queue)")
        await before_scrape()
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    return router
