"""Databases made by earlier versions are brought up to date by setup: columns added, retired indexes dropped."""

import sqlite3
from pathlib import Path

from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.storage.port import ClaimRequest
from app.storage.sqlite import SqliteTaskStore
from app.storage.sqlite.migrations import RETIRED_INDEXES
from tests.contract.conftest import T0, queued_task


def _as_before_the_worker_column(path: Path) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("DROP INDEX tasks_by_last_worker")
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
        assert "tasks_by_last_worker" in _indexes(path)
        await migrated.setup()  # idempotent
    finally:
        await migrated.close()


def _with_the_indexes_of_before(path: Path) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        for statement in (
            "CREATE INDEX tasks_by_worker ON tasks (state, worker_id)",
            "CREATE INDEX tasks_finished ON tasks (modified_at_us) WHERE state IN ('done', 'dead', 'cancelled')",
            "CREATE INDEX tasks_by_recurring ON tasks (queue, recurring_task_id) "
            "WHERE recurring_task_id IS NOT NULL",
            "CREATE INDEX tasks_claimed_by_queue ON tasks (queue) WHERE state = 'claimed'",
            "CREATE INDEX tasks_claimed_by_key ON tasks (concurrency_key) "
            "WHERE state = 'claimed' AND concurrency_key IS NOT NULL",
        ):
            connection.execute(statement)
    finally:
        connection.close()


async def test_setup_drops_the_indexes_no_query_uses_from_a_database_made_before(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    store = SqliteTaskStore(path)
    await store.setup()
    await store.create_tasks([queued_task("kept")])
    await store.close()
    _with_the_indexes_of_before(path)
    assert set(RETIRED_INDEXES) - {"tasks_by_claimer"} <= _indexes(path)

    migrated = SqliteTaskStore(path)
    try:
        await migrated.setup()
        assert not set(RETIRED_INDEXES) & _indexes(path)
        assert {
            "tasks_by_last_worker",
            "tasks_finished_by_age",
            "tasks_by_recurring_task",
            "tasks_claimed_per_queue",
            "tasks_claimed_per_key",
        } <= _indexes(path)
        assert (await migrated.get_task("q", "kept")).id == "kept"
    finally:
        await migrated.close()
