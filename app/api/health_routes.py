"""Liveness, readiness and version (extensions; Tasques had none).

Readiness probes the store for real, bounded by ``server.readiness_timeout``: reachable, set up, and able
to take a write now (SQLite's write lock, an Elasticsearch write). A failure is 503 with the standard
error body (``store_unavailable`` or ``store_not_set_up``, the backend in ``details``) and Retry-After.
"""

from fastapi import APIRouter, Response

from app import __version__
from app.api.dependencies import ReadinessProbe
from app.api.errors import error_response
from app.api.rendering import render_model
from app.api.strict_json import StrictJsonRoute
from app.api.wire_models import ErrorBody, WireHealth, WireVersionInfo
from app.domain.errors import TasquesError


def health_router(readiness: ReadinessProbe, *, backend: str, retry_after_seconds: int) -> APIRouter:
    router = APIRouter(route_class=StrictJsonRoute, tags=["health"])

    @router.get(
        "/healthz",
        operation_id="healthz",
        summary="Liveness: the process serves HTTP",
        response_model=WireHealth,
    )
    async def healthz() -> Response:
        return render_model(WireHealth(status="ok"))

    @router.get(
        "/readyz",
        operation_id="readyz",
        summary="Readiness: the store is reachable, set up and takes writes",
        response_model=WireHealth,
        responses={503: {"description": "Store unavailable or unwritable", "model": ErrorBody}},
    )
    async def readyz() -> Response:
        try:
            await readiness()
        except TasquesError as error:
            details = {"backend": backend, **error.details}
            response = error_response(503, error.message, error.code, details)
            response.headers["Retry-After"] = str(retry_after_seconds)
            return response
        return render_model(WireHealth(status="ready", backend=backend))

    @router.get(
        "/version",
        operation_id="version",
        summary="Server name, version and backend",
        response_model=WireVersionInfo,
    )
    async def version() -> Response:
        return render_model(WireVersionInfo(name="tasques", version=__version__, backend=backend))

    return router
