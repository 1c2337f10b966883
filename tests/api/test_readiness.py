"""/readyz probes the store for real: a server whose SQLite database cannot take a write (its lock held by
another process past the busy timeout, or past the probe's own bound) is not ready, with the standard
error body and Retry-After, while /healthz stays 200; once the lock is released it is ready again."""

import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import httpx
import pytest

from app.components import build_app, build_components
from app.config import Settings


@asynccontextmanager
async def _api(path: Path, *, busy_timeout: str, readiness_timeout: str) -> AsyncIterator[httpx.AsyncClient]:
    settings = Settings.model_validate(
        {
            "maintenance": {"enabled": False},
            "server": {"readiness_timeout": readiness_timeout},
            "storage": {"sqlite": {"path": str(path), "busy_timeout": busy_timeout}},
        }
    )
    app = build_app(build_components(settings))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as api,
    ):
        yield api


@contextmanager
def _write_lock_held(path: Path) -> Iterator[None]:
    """Another process's writer (a stuck job, a backup tool) holding the database's lock."""
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        yield
    finally:
        holder.execute("ROLLBACK")
        holder.close()


@pytest.mark.parametrize(
    ("busy_timeout", "readiness_timeout", "reason"),
    [
        ("100ms", "5s", "database is locked"),  # SQLite gives up first
        ("10s", "300ms", "took longer than 0.3s"),  # the probe's own bound ends it first
    ],
)
async def test_readyz_is_503_while_the_database_cannot_take_a_write(
    tmp_path: Path, busy_timeout: str, readiness_timeout: str, reason: str
) -> None:
    path = tmp_path / "tasques.db"
    async with _api(path, busy_timeout=busy_timeout, readiness_timeout=readiness_timeout) as api:
        assert (await api.get("/readyz")).status_code == 200
        with _write_lock_held(path):
            locked = await api.get("/readyz")
            alive = await api.get("/healthz")
        again = await api.get("/readyz")

    assert locked.status_code == 503, locked.text
    body = locked.json()
    assert body["error"] == "store_unavailable"
    assert reason in body["message"]
    assert body["details"]["backend"] == "sqlite"
    assert locked.headers["Retry-After"] == "2"
    assert alive.status_code == 200
    assert again.status_code == 200, again.text
    assert again.json() == {"status": "ready", "backend": "sqlite"}
