"""Servers on one SQLite file wake each other's blocked claimers (``sibling_wakeups``).

The claimer's re-check interval is an hour and its long-poll two minutes, so without the wake-up it
would look again only when the long-poll ends; the test waits a generous ten seconds for its answer.
The store under the claimer's server signals once a claim pass has found nothing, so the task is
enqueued after the claimer looked, never before.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from app.components import build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore

QUEUE = "siblings"
WORKER = {"X-TASQUES-WORKER-ID": "worker-1"}
PATIENCE_SECONDS = 10.0


class WatchedStore(SqliteTaskStore):
    """Signals each claim pass that won nothing."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.found_nothing = asyncio.Event()

    async def claim_tasks(self, *args: Any, **kwargs: Any) -> Any:
        outcome = await super().claim_tasks(*args, **kwargs)
        if not outcome.claimed:
            self.found_nothing.set()
        return outcome


def _settings(path: Path) -> Settings:
    return Settings.model_validate(
        {
            "storage": {"backend": "sqlite", "sqlite": {"path": str(path)}},
            "tasks": {"limits": {"claim_recheck_interval": "1h"}},
            "maintenance": {"enabled": False},
        }
    )


@asynccontextmanager
async def _server(
    settings: Settings, store: SqliteTaskStore | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(build_components(settings, store=store))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as api,
    ):
        yield api


async def test_a_claimer_blocked_on_one_server_takes_a_task_enqueued_through_another_at_once(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tasques.db"
    watched = WatchedStore(path)
    async with _server(_settings(path)) as one, _server(_settings(path), store=watched) as two:
        claim = asyncio.create_task(
            two.post(
                "/tasques/claims",
                json={"queues": [QUEUE], "amount": 1, "block_for": "120s"},
                headers=WORKER,
                timeout=180,
            )
        )
        async with asyncio.timeout(PATIENCE_SECONDS):
            await watched.found_nothing.wait()
        created = await one.post("/tasques", json={"queue": QUEUE, "kind": "k"})
        assert created.status_code == 201, created.text
        async with asyncio.timeout(PATIENCE_SECONDS):
            claimed = await claim
    assert claimed.status_code == 200, claimed.text
    assert [task["id"] for task in claimed.json()] == [created.json()["id"]]
