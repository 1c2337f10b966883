"""A database made before the ``worker_id`` column existed is brought up to date by setup."""

import sqlite3
from pathlib import Path

from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.storage.port import ClaimRequest
from app.storage.sqlite import SqliteTaskStore
from tests.contract.conftest import T0, queued_task


def _as_before_the_worker_column(path: Path) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("DROP INDEX tasks_by_worker")
        connection.execute("ALTER TABLE tasks DROP COLUMN worker_id")
        connection.execute(
            "CREATE INDEX tasks_by_claimer ON tasks (state, json_extract(document, '$.last_claimed.worker_id'))"
        )
    finally:
        connection.close()


def _indexes(path: Path) -> set[str]:
    connection = sqlite3.connect(path)
    try:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    finally:
        connection.close()


async def test_setup_fills_the_worker_column_of_claimed_tasks_and_drops_the_expression_index(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    store = SqliteTaskStore(path)
    await store.setup()
    await store.create_tasks([queued_task("claimed"), queued_task("waiting")])
    outcome = await store.claim_tasks(
        ClaimRequest(queues=("q",), amount=1, at=T0),
        lambda task: task.claim(worker_id="worker-7", at=T0, lease_token="lease"),
    )
    assert [task.id for task in outcome.claimed] == ["claimed"]
    await store.close()
    _as_before_the_worker_column(path)

    migrated = SqliteTaskStore(path)
    try:
        await migrated.setup()
        page = await migrated.search_tasks(TaskQuery(worker_id="worker-7"), limit=10, cursor=None)
        assert [(task.id, task.state) for task in page.tasks] == [("claimed", TaskState.CLAIMED)]
        assert "tasks_by_claimer" not in _indexes(path)
        assert "tasks_by_worker" in _indexes(path)
        await migrated.setup()  # idempotent
    finally:
        await migrated.close()
