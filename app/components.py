"""The one wiring root: builds the store, services, maintenance and the HTTP app from ``Settings``."""

import asyncio
import contextlib
import logging
import os
import random
import socket
import uuid
from dataclasses import dataclass

from fastapi import FastAPI
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import CollectorRegistry

from app.api.app import create_app
from app.api.dependencies import ApiDependencies, LeaderStatus
from app.api.rendering import claimed_task_document
from app.clock import Clock, SystemClock
from app.config import Settings, load_settings
from app.domain.errors import StoreUnavailable
from app.garbage_collection import apply_gc_threshold
from app.maintenance.admin_jobs import AdminJobRunner
from app.maintenance.archiver import Archiver
from app.maintenance.dead_letters import DeadLetterExpirer
from app.maintenance.elector import LeaderElector, Role
from app.maintenance.periodic import PeriodicService
from app.maintenance.pipelines import PipelineRunner
from app.maintenance.push_delivery import PushDelivery
from app.maintenance.queue_sampler import QueueSamplerService
from app.maintenance.reaper import TimeoutReaper
from app.maintenance.scheduler import RecurringScheduler
from app.maintenance.supervisor import LeaderSupervisor, Maintenance
from app.observability.metrics import TasquesMetrics
from app.observability.tracing import traced, tracer_provider
from app.services.admin_service import AdminService
from app.services.arrivals import ArrivalBoard
from app.services.batch_finish import BatchFinisher
from app.services.claims import ClaimService
from app.services.history import HistoryRecorder
from app.services.paused_queues import PausedQueues
from app.services.pipelines import PipelineService
from app.services.pipelines_advance import PipelineAdvancer
from app.services.push_dispatch import PushDispatcher, PushDispatcherDependencies
from app.services.push_sender import HttpxPushSender
from app.services.push_workers import PushWorkerService
from app.services.queue_sampling import QueueSampler
from app.services.recurring_fires import RecurringFires
from app.services.recurring_service import RecurringService
from app.services.task_service import TaskService, TaskServiceDependencies
from app.services.timeline import TimelineService
from app.services.waiting import WaitService
from app.storage.port import Store
from app.storage.sqlite import SqliteTaskStore
from app.storage.sqlite.sibling_wakeups import SiblingWakeups

_log = logging.getLogger(__name__)


def build_store(settings: Settings) -> Store:
    storage = settings.storage
    if storage.backend == "sqlite":
        return SqliteTaskStore(
            storage.sqlite.path, busy_timeout_ms=int(storage.sqlite.busy_timeout.total_seconds() * 1000)
        )
    # Imported here so a SQLite server does not load the search-engine store and its client library.
    from app.storage.elasticsearch.store import ElasticsearchTaskStore

    es = storage.search_engine
    return ElasticsearchTaskStore.connect(
        es.urls,
        engine="opensearch" if storage.backend == "opensearch" else "elasticsearch",
        username=es.username,
        password=es.password.get_secret_value() if es.password else None,
        request_timeout=es.request_timeout.total_seconds(),
        index_prefix=es.index_prefix,
        claim_search_multiplier=es.claim_search_multiplier,
        scripted_updates=es.scripted_updates,
        ilm_enabled=es.ilm_enabled,
        archive_retention=es.archive_retention,
        events_retention=es.events_retention,
    )


def server_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


@dataclass
class Components:
    settings: Settings
    store: Store
    arrivals: ArrivalBoard
    tasks: TaskService
    claims: ClaimService
    recurring: RecurringService
    waits: WaitService
    history: HistoryRecorder
    admin: AdminService
    finisher: BatchFinisher
    maintenance: Maintenance
    metrics: TasquesMetrics
    clock: Clock
    tracing: TracerProvider | None
    pipelines: PipelineService
    push_workers: PushWorkerService
    push: PushDispatcher
    timeline: TimelineService
    sibling_wakeups: SiblingWakeups | None = None
    """SQLite: wake-ups for claimers blocked in the other processes on the file (``sibling_wakeups``)."""

    async def start(self) -> None:
        if self.settings.storage.backend == "sqlite":
            # The embedded store creates its schema on first start, so a fresh machine needs no setup step.
            await self.store.setup()
        await self.store.verify_setup()
        if self.sibling_wakeups is not None and self.sibling_wakeups.start(self.arrivals.nudge):
            self.arrivals.relay_to(self.sibling_wakeups.announce)
        if self.settings.maintenance.enabled:
            self.maintenance.start()
        _log.info(
            "tasques %s started on the %s backend",
            self.maintenance.elector.holder,
            self.settings.storage.backend,
        )

    def begin_shutdown(self) -> None:
        """The server was told to stop: stop claiming now, before it drains the requests in flight."""
        self.arrivals.stop_claiming()

    async def stop(self) -> None:
        self.arrivals.stop_claiming()
        self.arrivals.closing.set()
        # Cut-off claims hand their tasks back through the store: let them finish before it closes.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self.settings.server.shutdown_timeout.total_seconds() / 2):
                await self.claims.hand_backs_finished()
        await self.maintenance.stop()
        await self.push.close(grace=self.settings.maintenance.push_delivery.shutdown_grace)
        if self.sibling_wakeups is not None:
            self.sibling_wakeups.close()
        await self.store.close()
        if self.tracing is not None:
            self.tracing.shutdown()  # flushes spans still batched for export

    async def refresh_metrics(self) -> None:
        self.metrics.observe_queues(await self.store.queue_stats(), now=self.clock.now_utc())

    async def readiness(self) -> None:
        """Reachable, set up and able to take a write now, within ``server.readiness_timeout``."""
        bound = self.settings.server.readiness_timeout.total_seconds()
        try:
            async with asyncio.timeout(bound):
                await self.store.ping()
                await self.store.verify_setup()
                await self.store.probe_writes()
        except TimeoutError as error:
            raise StoreUnavailable(f"the readiness probe took longer than {bound:g}s") from error

    def leader_status(self) -> LeaderStatus:
        elector = self.maintenance.elector
        record = elector.current_record
        return LeaderStatus(
            role=elector.role.value,
            server_id=elector.holder,
            leader_id=record.holder if record else None,
            leader_services=self.maintenance.supervisor.running_services,
        )


def build_components(
    settings: Settings,
    *,
    clock: Clock | None = None,
    store: Store | None = None,
    tracing: TracerProvider | None = None,
) -> Components:
    """``tracing`` overrides the provider the settings would build (tests pass an in-memory one)."""
    clock = clock or SystemClock()
    rng = random.Random()
    arrivals = ArrivalBoard()
    provider = tracer_provider(settings.observability) if tracing is None else tracing
    the_store = traced(store or build_store(settings), backend=settings.storage.backend, provider=provider)
    registry = CollectorRegistry()
    metrics = TasquesMetrics(registry)
    history = HistoryRecorder(the_store, activity=metrics)
    paused = PausedQueues(the_store, clock=clock, refresh_every=settings.tasks.limits.paused_refresh_interval)
    dependencies = TaskServiceDependencies(
        store=the_store,
        policies=settings.tasks,
        clock=clock,
        arrivals=arrivals,
        random=rng,
        history=history,
        activity=metrics,
        paused=paused,
    )
    admin = AdminService(
        the_store,
        policies=settings.tasks,
        clock=clock,
        history=history,
        completions=dependencies.completions,
        paused=paused,
    )
    maintenance_settings = settings.maintenance
    fires = RecurringFires(
        the_store,
        policies=settings.tasks,
        max_fires_per_pass=maintenance_settings.scheduler.max_fires_per_pass,
        history=history,
    )
    tasks = TaskService(dependencies)
    claims = ClaimService(dependencies)
    push = _build_push_dispatcher(settings, the_store, dependencies, tasks=tasks, claims=claims)
    extra_services: list[PeriodicService] = [
        PipelineRunner(
            PipelineAdvancer(
                the_store, tasks=tasks, clock=clock, page_size=maintenance_settings.pipelines.page_size
            ),
            settings=maintenance_settings.pipelines,
        ),
        PushDelivery(push, settings=maintenance_settings.push_delivery),
        QueueSamplerService(
            QueueSampler(the_store, clock=clock, max_claims=maintenance_settings.queue_sampler.max_claims),
            the_store,
            settings=maintenance_settings.queue_sampler,
            clock=clock,
        ),
    ]
    maintenance = _build_maintenance(
        settings,
        the_store,
        dependencies,
        fires=fires,
        metrics=metrics,
        admin=admin,
        extra_services=extra_services,
    )
    return Components(
        settings=settings,
        store=the_store,
        arrivals=arrivals,
        tasks=tasks,
        claims=claims,
        recurring=RecurringService(the_store, policies=settings.tasks, clock=clock, fires=fires),
        waits=WaitService(
            the_store,
            policies=settings.tasks,
            clock=clock,
            completions=dependencies.completions,
            arrivals=arrivals,
        ),
        history=history,
        admin=admin,
        finisher=BatchFinisher(
            the_store,
            policies=settings.tasks,
            clock=clock,
            rng=rng,
            history=history,
            completions=dependencies.completions,
        ),
        maintenance=maintenance,
        metrics=metrics,
        clock=clock,
        tracing=provider,
        pipelines=PipelineService(the_store, tasks=tasks, policies=settings.tasks, clock=clock),
        push_workers=PushWorkerService(the_store, policies=settings.tasks, clock=clock),
        push=push,
        sibling_wakeups=SiblingWakeups(settings.storage.sqlite.path)
        if settings.storage.backend == "sqlite"
        else None,
        timeline=TimelineService(the_store, clock=clock),
    )


def _build_push_dispatcher(
    settings: Settings,
    store: Store,
    dependencies: TaskServiceDependencies,
    *,
    tasks: TaskService,
    claims: ClaimService,
) -> PushDispatcher:
    config = settings.maintenance.push_delivery
    return PushDispatcher(
        PushDispatcherDependencies(
            store=store,
            claims=claims,
            tasks=tasks,
            sender=HttpxPushSender(timeout=config.request_timeout.total_seconds()),
            # Workers receive a task exactly as a claim response would show it.
            render=claimed_task_document,
            clock=dependencies.clock,
            backoff=config.backoff,
            rng=dependencies.random,
        )
    )


def _build_maintenance(
    settings: Settings,
    store: Store,
    dependencies: TaskServiceDependencies,
    *,
    fires: RecurringFires,
    metrics: TasquesMetrics,
    admin: AdminService,
    extra_services: list[PeriodicService],
) -> Maintenance:
    config = settings.maintenance
    clock, rng = dependencies.clock, dependencies.random
    services: list[PeriodicService] = [
        TimeoutReaper(
            store,
            settings=config.reaper,
            policies=settings.tasks,
            clock=clock,
            rng=rng,
            history=dependencies.history,
            completions=dependencies.completions,
        ),
        RecurringScheduler(fires, settings=config.scheduler, clock=clock),
        AdminJobRunner(store, admin, settings=config.admin_jobs),
        Archiver(
            store,
            settings=config.archiver,
            clock=clock,
            store_keeps_retention=settings.storage.uses_search_engine
            and settings.storage.search_engine.ilm_enabled,
        ),
        DeadLetterExpirer(store, settings=config.dead_letters, clock=clock, activity=metrics),
        *extra_services,
    ]
    supervisor = LeaderSupervisor(services, clock=clock, rng=rng)

    async def on_role_change(role: Role) -> None:
        metrics.leader.set(1 if role is Role.LEADER else 0)
        await supervisor.leadership_changed(role)

    elector = LeaderElector(
        store, holder=server_id(), settings=config.leader, clock=clock, listener=on_role_change
    )
    return Maintenance(elector, supervisor, renew_interval=config.leader.renew_interval.total_seconds())


def build_app(components: Components) -> FastAPI:
    server = components.settings.server
    return create_app(
        ApiDependencies(
            tasks=components.tasks,
            claims=components.claims,
            recurring=components.recurring,
            waits=components.waits,
            finisher=components.finisher,
            auth=components.settings.auth,
            admin=components.admin,
            clock=components.clock,
            history=components.history,
            leader_status=components.leader_status,
            pipelines=components.pipelines,
            push_workers=components.push_workers,
            timeline=components.timeline,
            registry=components.metrics.registry,
            before_scrape=components.refresh_metrics,
            tracer_provider=components.tracing,
            max_backfill_fires=components.settings.maintenance.scheduler.max_backfill_fires,
            readiness=components.readiness,
            backend=components.settings.storage.backend,
            start=components.start,
            stop=components.stop,
            max_body_bytes=server.max_body_bytes,
            retry_after_seconds=server.retry_after_seconds,
            startup_timeout=server.startup_timeout,
            shutdown_timeout=server.shutdown_timeout,
        )
    )


def create_app_from_environment() -> FastAPI:
    """uvicorn factory: settings from ``TASQUES_CONFIG`` and ``TASQUES_*`` (used by ``tasques serve``)."""
    settings = load_settings()
    apply_gc_threshold(settings.server.gc_threshold)
    return build_app(build_components(settings))
