"""The one wiring root: builds the store, services and the HTTP app from ``Settings``."""

import logging
import random
from dataclasses import dataclass

from fastapi import FastAPI

from app.api.app import ApiDependencies, create_app
from app.clock import Clock, SystemClock
from app.config import Settings, load_settings
from app.services.arrivals import ArrivalBoard
from app.services.claims import ClaimService
from app.services.task_service import TaskService, TaskServiceDependencies
from app.storage.elasticsearch.store import ElasticsearchTaskStore
from app.storage.port import TaskStore
from app.storage.sqlite import SqliteTaskStore

_log = logging.getLogger(__name__)


def build_store(settings: Settings) -> TaskStore:
    storage = settings.storage
    if storage.backend == "sqlite":
        return SqliteTaskStore(
            storage.sqlite.path, busy_timeout_ms=int(storage.sqlite.busy_timeout.total_seconds() * 1000)
        )
    es = storage.elasticsearch
    return ElasticsearchTaskStore.connect(
        es.urls,
        username=es.username,
        password=es.password.get_secret_value() if es.password else None,
        request_timeout=es.request_timeout.total_seconds(),
        index_prefix=es.index_prefix,
        claim_search_multiplier=es.claim_search_multiplier,
        scripted_updates=es.scripted_updates,
    )


@dataclass
class Components:
    settings: Settings
    store: TaskStore
    arrivals: ArrivalBoard
    tasks: TaskService
    claims: ClaimService

    async def start(self) -> None:
        if self.settings.storage.backend == "sqlite":
            # The embedded store creates its schema on first start, so a fresh machine needs no setup step.
            await self.store.setup()
        await self.store.verify_setup()
        _log.info("tasques started on the %s backend", self.settings.storage.backend)

    async def stop(self) -> None:
        self.arrivals.closing.set()
        await self.store.close()

    async def readiness(self) -> None:
        await self.store.ping()
        await self.store.verify_setup()


def build_components(
    settings: Settings, *, clock: Clock | None = None, store: TaskStore | None = None
) -> Components:
    arrivals = ArrivalBoard()
    dependencies = TaskServiceDependencies(
        store=store or build_store(settings),
        policies=settings.tasks,
        clock=clock or SystemClock(),
        arrivals=arrivals,
        random=random.Random(),
    )
    return Components(
        settings=settings,
        store=dependencies.store,
        arrivals=arrivals,
        tasks=TaskService(dependencies),
        claims=ClaimService(dependencies),
    )


def build_app(components: Components) -> FastAPI:
    server = components.settings.server
    return create_app(
        ApiDependencies(
            tasks=components.tasks,
            claims=components.claims,
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
    return build_app(build_components(load_settings()))
