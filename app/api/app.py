"""The FastAPI application. Its lifespan runs the wiring root's start and stop hooks, each bounded."""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Depends, FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from app import __version__
from app.api.admin_routes import admin_router
from app.api.auth import Authentication, authorize_route
from app.api.auth_settings import AuthSettings
from app.api.batch_finish_routes import batch_finish_router
from app.api.body_limit import BodySizeLimit
from app.api.cross_site import CrossSiteRequestGuard
from app.api.errors import install_error_handlers
from app.api.health_routes import ReadinessProbe, health_router
from app.api.json_bodies import JsonBodies
from app.api.leader_routes import LeaderStatusSource, leader_router
from app.api.lifecycle_routes import lifecycle_router
from app.api.pipeline_routes import pipeline_router
from app.api.push_routes import push_router
from app.api.recurring_routes import recurring_router
from app.api.search_routes import search_router
from app.api.task_routes import task_router
from app.api.timeline_routes import timeline_router
from app.api.trace_context import IncomingTraceContext
from app.api.ui_routes import ui_router
from app.clock import Clock
from app.services.admin_service import AdminService
from app.services.batch_finish import BatchFinisher
from app.services.claims import ClaimService
from app.services.history import HistoryRecorder
from app.services.pipelines import PipelineService
from app.services.push_workers import PushWorkerService
from app.services.recurring_service import RecurringService
from app.services.task_service import TaskService
from app.services.timeline import TimelineService
from app.services.waiting import WaitService

Hook = Callable[[], Awaitable[None]]


@dataclass(frozen=True, kw_only=True)
class ApiDependencies:
    tasks: TaskService
    claims: ClaimService
    recurring: RecurringService
    waits: WaitService
    finisher: BatchFinisher
    auth: AuthSettings
    admin: AdminService
    clock: Clock
    history: HistoryRecorder
    leader_status: LeaderStatusSource
    pipelines: PipelineService
    push_workers: PushWorkerService
    timeline: TimelineService
    registry: CollectorRegistry
    before_scrape: Hook
    tracer_provider: TracerProvider | None
    max_backfill_fires: int
    readiness: ReadinessProbe
    backend: str
    start: Hook
    stop: Hook
    max_body_bytes: int
    retry_after_seconds: int
    startup_timeout: timedelta
    shutdown_timeout: timedelta


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
        dependencies=[Depends(authorize_route)],
    )
    install_error_handlers(app, retry_after_seconds=dependencies.retry_after_seconds)
    app.include_router(search_router(dependencies.tasks))
    app.include_router(timeline_router(dependencies.timeline))
    app.include_router(admin_router(dependencies.admin, dependencies.clock))
    app.include_router(batch_finish_router(dependencies.finisher))
    app.include_router(task_router(dependencies.tasks, dependencies.claims, dependencies.waits))
    app.include_router(lifecycle_router(dependencies.tasks, dependencies.waits, dependencies.history))
    app.include_router(
        recurring_router(dependencies.recurring, max_backfill_fires=dependencies.max_backfill_fires)
    )
    app.include_router(pipeline_router(dependencies.pipelines))
    app.include_router(push_router(dependencies.push_workers))
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
