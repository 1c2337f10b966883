"""SQLite reads: every statement of one read body sees the same snapshot, whatever commits meanwhile.

A row moved between two tables by another connection while a body reads one table and then the other
is seen in exactly one of them (before the move), never in neither. That is what lets a store read the
live table and then the archive while another server revives the task.
"""

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.domain.errors import TaskNotFound
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.statements import Statements


async def _live_and_archived_tables(writer: Statements) -> None:
    for statement in (
        "CREATE TABLE live (name TEXT PRIMARY KEY)",
        "CREATE TABLE archived (name TEXT PRIMARY KEY)",
        "INSERT INTO archived VALUES ('task')",
    ):
        await writer.execute_fetchall(statement)


@pytest.fixture
async def connections(tmp_path: Path) -> AsyncIterator[SqliteConnections]:
    opened = SqliteConnections(tmp_path / "snapshot.db", busy_timeout_ms=5_000)
    await opened.write(_live_and_archived_tables)
    yield opened
    await opened.close()


def _move_to_live(path: Path) -> None:
    """Another connection (another server) moves the row, committed before it returns."""
    other = sqlite3.connect(path, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("INSERT INTO live VALUES ('task')")
        other.execute("DELETE FROM archived WHERE name = 'task'")
        other.execute("COMMIT")
    finally:
        other.close()


async def test_a_row_moved_between_a_bodys_statements_is_seen_where_it_was(
    connections: SqliteConnections, tmp_path: Path
) -> None:
    async def live_then_archived(reader: Statements) -> tuple[int, int]:
        (live,) = await reader.execute_fetchall("SELECT COUNT(*) FROM live")
        _move_to_live(tmp_path / "snapshot.db")
        (archived,) = await reader.execute_fetchall("SELECT COUNT(*) FROM archived")
        return live[0], archived[0]

    assert await connections.read(live_then_archived) == (0, 1)

    async def both(reader: Statements) -> tuple[int, int]:
        (live,) = await reader.execute_fetchall("SELECT COUNT(*) FROM live")
        (archived,) = await reader.execute_fetchall("SELECT COUNT(*) FROM archived")
        return live[0], archived[0]

    assert await connections.read(both) == (1, 0)  # the next read sees the move


async def test_a_failing_read_body_leaves_its_connection_usable(connections: SqliteConnections) -> None:
    async def failing(reader: Statements) -> None:
        await reader.execute_fetchall("SELECT COUNT(*) FROM live")
        raise TaskNotFound("q", "task")

    for _ in range(3):  # more reads than readers: each reader's connection is reused after a failure
        with pytest.raises(TaskNotFound):
            await connections.read(failing)

    async def count(reader: Statements) -> int:
        (row,) = await reader.execute_fetchall("SELECT COUNT(*) FROM archived")
        return int(row[0])

    assert await connections.read(count) == 1
