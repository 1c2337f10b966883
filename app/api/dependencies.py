"""What route handlers get from the wiring root, by FastAPI ``Depends``.

``create_app`` keeps the one ``ApiDependencies`` in the application state; each provider below hands a
handler the single service it names, so a handler is a plain module-level function whose collaborators
are parameters (a test can call it with its own). Providers read only the request, so they add nothing
to the OpenAPI document. They are ``async def`` although they never await: FastAPI runs a plain ``def``
dependency in its thread pool, a thread hand-off (~100 µs here) per provider per request for an
attribute read.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated

from fastapi import Depends, Request
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from app.api.auth_settings import AuthSettings
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
ReadinessProbe = Callable[[], Awaitable[None]]
"""Raises ``StoreUnavailable`` or ``StoreNotSetUp`` when the store cannot take a write now."""


@dataclass(frozen=True, kw_only=True)
class LeaderStatus:
    """This server's view of the leader election, as ``GET /leader`` shows it."""

    role: str
    server_id: str
    leader_id: str | None
    leader_services: list[str]


LeaderStatusSource = Callable[[], LeaderStatus]


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


def _dependencies(request: Request) -> ApiDependencies:
    dependencies: ApiDependencies = request.app.state.dependencies
    return dependencies


async def _tasks(request: Request) -> TaskService:
    return _dependencies(request).tasks


async def _claims(request: Request) -> ClaimService:
    return _dependencies(request).claims


async def _waits(request: Request) -> WaitService:
    return _dependencies(request).waits


async def _history(request: Request) -> HistoryRecorder:
    return _dependencies(request).history


async def _admin(request: Request) -> AdminService:
    return _dependencies(request).admin


async def _clock(request: Request) -> Clock:
    return _dependencies(request).clock


async def _recurring(request: Request) -> RecurringService:
    return _dependencies(request).recurring


async def _finisher(request: Request) -> BatchFinisher:
    return _dependencies(request).finisher


async def _pipelines(request: Request) -> PipelineService:
    return _dependencies(request).pipelines


async def _push_workers(request: Request) -> PushWorkerService:
    return _dependencies(request).push_workers


async def _timeline(request: Request) -> TimelineService:
    return _dependencies(request).timeline


async def _max_backfill_fires(request: Request) -> int:
    return _dependencies(request).max_backfill_fires


Tasks = Annotated[TaskService, Depends(_tasks)]
Claims = Annotated[ClaimService, Depends(_claims)]
Waits = Annotated[WaitService, Depends(_waits)]
History = Annotated[HistoryRecorder, Depends(_history)]
Admin = Annotated[AdminService, Depends(_admin)]
CurrentClock = Annotated[Clock, Depends(_clock)]
Recurring = Annotated[RecurringService, Depends(_recurring)]
MaxBackfillFires = Annotated[int, Depends(_max_backfill_fires)]
Finisher = Annotated[BatchFinisher, Depends(_finisher)]
Pipelines = Annotated[PipelineService, Depends(_pipelines)]
PushWorkers = Annotated[PushWorkerService, Depends(_push_workers)]
Timelines = Annotated[TimelineService, Depends(_timeline)]
