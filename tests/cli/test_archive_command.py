"""``tasques archive run``: archiver passes until one finds nothing, on the configured store."""

import asyncio
from pathlib import Path

import httpx
from typer.testing import CliRunner

from app.cli import cli
from app.components import build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore

WORKER = {"X-TASQUES-WORKER-ID": "archive-test"}


async def _finish_tasks(database: Path, *, count: int) -> None:
    settings = Settings.model_validate({"maintenance": {"enabled": False}})
    app = build_app(build_components(settings, store=SqliteTaskStore(database)))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as api,
    ):
        created = await api.post("/tasques/batch", json={"tasks": [{"queue": "q", "kind": "k"}] * count})
        assert created.json()["created"] == count
        claimed = await api.post("/tasques/claims", json={"queues": ["q"], "amount": count}, headers=WORKER)
        for task in claimed.json():
            done = await api.put(f"/tasques/done/q/{task['id']}", json={"data": {"ok": True}}, headers=WORKER)
            assert done.status_code == 200, done.text


def test_archive_run_repeats_passes_until_nothing_is_left(tmp_path: Path) -> None:
    database = tmp_path / "tasques.db"
    asyncio.run(_finish_tasks(database, count=5))
    config = tmp_path / "tasques.yaml"
    config.write_text(
        f"storage:\n  sqlite:\n    path: {database}\n"
        "maintenance:\n  archiver:\n    archive_after: 0s\n    batch_size: 2\n"
    )

    result = CliRunner(env={"TASQUES_CONFIG": None}).invoke(cli, ["archive", "run", "--config", str(config)])

    assert result.exit_code == 0, result.output
    # 2 + 2 + 1 archived, then a pass that finds nothing.
    assert "archive run complete: 4 passes, 5 tasks and records moved or pruned" in result.stderr
    again = CliRunner(env={"TASQUES_CONFIG": None}).invoke(cli, ["archive", "run", "-c", str(config)])
    assert "1 pass, 0 tasks" in again.stderr


def test_archive_run_refuses_a_store_that_was_never_set_up(tmp_path: Path) -> None:
    config = tmp_path / "tasques.yaml"
    config.write_text(f"storage:\n  sqlite:\n    path: {tmp_path / 'empty.db'}\n")
    result = CliRunner(env={"TASQUES_CONFIG": None}).invoke(cli, ["archive", "run", "-c", str(config)])
    assert result.exit_code == 1
    assert "archive run failed" in result.stderr
