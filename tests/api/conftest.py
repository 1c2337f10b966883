from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from app.clock import FrozenClock
from app.components import Components, build_app, build_components
from app.config import Settings
from app.storage.port import Store
from app.storage.sqlite import SqliteTaskStore
from tests.support.elasticsearch import elasticsearch_harness

WORKER = {"X-TASQUES-WORKER-ID": "worker-1"}
SETTINGS = {
    "tasks": {
        "defaults": {"backoff": {"strategy": "fixed", "base": "1m", "max": "1m", "jitter": 0}},
        "limits": {"max_block_for": "10s", "max_batch_size": 50},
    },
    "server": {"max_body_bytes": 64 * 1024},
}


@pytest.fixture
def components(tmp_path: Path) -> Components:
    return build_components(Settings.model_validate(SETTINGS), store=SqliteTaskStore(tmp_path / "api.db"))


@asynccontextmanager
async def serving(components: Components) -> AsyncIterator[httpx.AsyncClient]:
    """The app on ``components``, started, behind an in-process HTTP client."""
    app = build_app(components)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as client,
    ):
        yield client


@pytest.fixture
async def api(components: Components) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(components) as client:
        yield client


@asynccontextmanager
async def serving_at(clock: FrozenClock, path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """Like ``api``, on a frozen clock the test moves."""
    components = build_components(Settings.model_validate(SETTINGS), clock=clock, store=SqliteTaskStore(path))
    async with serving(components) as client:
        yield client


async def enqueue(api: httpx.AsyncClient, **fields: object) -> dict[str, object]:
    response = await api.post("/tasques", json={"queue": "q", "kind": "k", **fields})
    assert response.status_code == 201, response.text
    body: dict[str, object] = response.json()
    return body


async def claim(
    api: httpx.AsyncClient, *, amount: int = 1, worker: str = "worker-1"
) -> list[dict[str, object]]:
    response = await api.post(
        "/tasques/claims",
        json={"queues": ["q"], "amount": amount, "block_for": "0s"},
        headers={"X-TASQUES-WORKER-ID": worker},
    )
    assert response.status_code == 200, response.text
    tasks: list[dict[str, object]] = response.json()
    return tasks


@dataclass
class BackendApi:
    """The app on one backend, behind an in-process client, on a frozen clock the test moves; no
    leader services run unless the test runs their passes."""

    backend: str
    client: httpx.AsyncClient
    components: Components
    clock: FrozenClock
    make_searchable: Callable[[], Awaitable[None]]
    """Elasticsearch shows writes to search only after a refresh, which the store never forces."""


async def _nothing_to_refresh() -> None:
    return None


BACKEND_API_START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "elasticsearch"])
async def backend_api(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[BackendApi]:
    clock = FrozenClock(BACKEND_API_START)
    # No leader loop: tests run the leader's passes themselves, at the frozen clock's time.
    settings = Settings.model_validate({**SETTINGS, "maintenance": {"enabled": False}})
    async with AsyncExitStack() as stack:
        if request.param == "sqlite":
            store: Store = SqliteTaskStore(tmp_path / "api.db")
            make_searchable = _nothing_to_refresh
        else:
            es = await stack.enter_async_context(elasticsearch_harness())
            store, make_searchable = es.store, es.make_searchable
        components = build_components(settings, clock=clock, store=store)
        client = await stack.enter_async_context(serving(components))
        yield BackendApi(request.param, client, components, clock, make_searchable)
