"""The FastAPI application. Its lifespan runs the wiring root's start and stop hooks, each bounded."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

from app import __version__
from app.api import (
    admin_routes,
    batch_finish_routes,
    lifecycle_routes,
    pipeline_routes,
    push_routes,
    recurring_routes,
    search_routes,
    task_routes,
    timeline_routes,
)
from app.api.auth import Authentication, authorize_route
from app.api.body_limit import BodySizeLimit
from app.api.cross_site import CrossSiteRequestGuard
from app.api.dependencies import ApiDependencies
from app.api.errors import install_error_handlers
from app.api.health_routes import health_router
from app.api.json_bodies import JsonBodies
from app.api.leader_routes import leader_router
from app.api.trace_context import IncomingTraceContext
from app.api.ui_routes import ui_router


def create_app(dependencies: ApiDependencies) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await asyncio.wait_for(dependencies.start(), dependencies.startup_timeout.total_seconds())
        try:
            yield
        finally:
            await asyncio.wait_for(dependencies.stop(), dependencies.shutdown_timeout.total_seconds())

    app = FastAPI(
        title="Tasques API",
        version=__version__,
        description="A horizontally scaled HTTP task server, wire-compatible with Tasques.",
        license_info={"name": "Apache 2.0", "url": "http://www.apache.org/licenses/LICENSE-2.0.html"},
        lifespan=lifespan,
        # Only with credentials configured: without them no request carries a principal, and FastAPI
        # solving a dependency that checks nothing costs every request about as much as a header parameter.
        dependencies=[Depends(authorize_route)] if dependencies.auth.enabled else [],
    )
    app.state.dependencies = dependencies  # what the providers in app.api.dependencies hand handlers
    install_error_handlers(app, retry_after_seconds=dependencies.retry_after_seconds)
    # No route matches another's path and method (tests/api/test_route_dispatch.py), so the order is
    # free; moving the worker protocol first made no measurable difference to a done request.
    app.include_router(search_routes.router)
    app.include_router(timeline_routes.router)
    app.include_router(admin_routes.router)
    app.include_router(batch_finish_routes.router)
    app.include_router(task_routes.router)
    app.include_router(lifecycle_routes.router)
    app.include_router(recurring_routes.router)
    app.include_router(pipeline_routes.router)
    app.include_router(push_routes.router)
    app.include_router(
        leader_router(dependencies.leader_status, dependencies.registry, dependencies.before_scrape)
    )
    app.include_router(
        health_router(
            dependencies.readiness,
            backend=dependencies.backend,
            retry_after_seconds=dependencies.retry_after_seconds,
        )
    )
    app.include_router(ui_router())
    if dependencies.tracer_provider is not None:
        FastAPIInstrumentor.instrument_app(
            app, tracer_provider=dependencies.tracer_provider, exclude_spans=["receive", "send"]
        )
    else:
        app.add_middleware(IncomingTraceContext)
    app.add_middleware(JsonBodies)
    app.add_middleware(BodySizeLimit, max_body_bytes=dependencies.max_body_bytes)
    app.add_middleware(Authentication, settings=dependencies.auth)
    # Outermost: a cross-site browser request is refused before anything else reads it.
    app.add_middleware(CrossSiteRequestGuard)
    return app
