"""The SQLite store without the server: seeding backlogs and the raw ceiling of the task life cycle.

Both use the ``sqlite3`` module on the server's own schema (``app/storage/sqlite/schema.sql``) and its
own statements (``rows.INSERT_TASK``, ``rows.UPDATE_TASK``, the claim query's condition and order), in
batched ``BEGIN IMMEDIATE`` transactions with the server's pragmas, so the ceiling is what the store
itself can do for create, claim and complete with no HTTP, no models and no thread hand-offs.

``minimal_ceiling`` is the physical limit under that: the same batches and pragmas, but three plain
writes per task (insert queued, update to claimed, update to done) on a four-column table with only its
primary key, so the gap between the two ceilings is what the server's schema costs.
"""

import asyncio
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.storage.sqlite import SqliteTaskStore
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import INSERT_TASK, UPDATE_TASK, micros
from app.storage.sqlite.statements import Statements
from bench.documents import SqliteRowTemplate, server_task_ids, task_stages

_CLAIM_CANDIDATES = (
    "SELECT id, version FROM tasks WHERE state IN ('queued', 'failed') AND run_at_us <= ? "
    "AND remaining_attempts > 0 AND queue = ? ORDER BY priority DESC, run_at_us ASC, enqueued_at_us ASC LIMIT ?"
)
_SEED_CHUNK = 50_000


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, isolation_level=None, timeout=60)
    for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=60000"):
        connection.execute(f"PRAGMA {pragma}").fetchall()
    return connection


def create_schema(path: Path) -> None:
    """The server's own setup (schema.sql plus its migrations), so raw writes hit the same table."""

    async def set_up() -> None:
        store = SqliteTaskStore(path)
        try:
            await store.setup()
        finally:
            await store.close()

    asyncio.run(set_up())


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def seed_backlog(path: Path, *, queue: str, count: int) -> float:
    """Insert ``count`` queued tasks into ``queue``; returns the seconds it took."""
    template = SqliteRowTemplate(task_stages(queue).queued)
    prefix = uuid.uuid4().hex[:12]
    started = time.perf_counter()
    connection = connect(path)
    try:
        for start in range(0, count, _SEED_CHUNK):
            rows = (
                (queue, f"{prefix}{number:020d}", *template.values(f"{prefix}{number:020d}"))
                for number in range(start, min(start + _SEED_CHUNK, count))
            )
            with _transaction(connection):
                connection.executemany(INSERT_TASK, rows)
    finally:
        connection.close()
    return time.perf_counter() - started


def _update_all(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    """Compare-and-swap every row, as the server does; the ceiling is void if one misses."""
    if connection.executemany(UPDATE_TASK, rows).rowcount != len(rows):
        raise RuntimeError("raw ceiling: a compare-and-swap update missed its row")


def raw_ceiling(
    path: Path, *, queue: str, tasks: int, enqueue_batch: int, claim_batch: int, ids: list[str] | None = None
) -> float:
    """Create ``tasks`` in batches, then claim and complete them batch by batch; returns tasks/s.

    Ids are the server's own (``server_task_ids``: time-ordered) unless given.
    """
    stages = task_stages(queue)
    queued, claimed, done = (SqliteRowTemplate(task) for task in (stages.queued, stages.claimed, stages.done))
    ids = ids or server_task_ids(tasks)
    connection = connect(path)
    try:
        started = time.perf_counter()
        for start in range(0, tasks, enqueue_batch):
            with _transaction(connection):
                connection.executemany(
                    INSERT_TASK,
                    [
                        (queue, task_id, *queued.values(task_id))
                        for task_id in ids[start : start + enqueue_batch]
                    ],
                )
        finished = 0
        while finished < tasks:
            with _transaction(connection):
                candidates = connection.execute(
                    _CLAIM_CANDIDATES, (micros(stages.claimed.metadata.modified_at), queue, claim_batch)
                ).fetchall()
                _update_all(
                    connection, [(*claimed.values(id_), queue, id_, version) for id_, version in candidates]
                )
            with _transaction(connection):
                _update_all(
                    connection, [(*done.values(id_), queue, id_, version + 1) for id_, version in candidates]
                )
            if not candidates:
                raise RuntimeError("raw ceiling: the claim query found nothing before every task was done")
            finished += len(candidates)
        return tasks / (time.perf_counter() - started)
    finally:
        connection.close()


_MINIMAL_SCHEMA = "CREATE TABLE tasks (id TEXT PRIMARY KEY, queue TEXT, state TEXT, data TEXT)"
_MINIMAL_INSERT = "INSERT INTO tasks (id, queue, state, data) VALUES (?, ?, 'queued', ?)"
_MINIMAL_CLAIM = "UPDATE tasks SET state = 'claimed' WHERE id = ? AND state = 'queued'"
_MINIMAL_DONE = "UPDATE tasks SET state = 'done', data = ? WHERE id = ? AND state = 'claimed'"
_MINIMAL_ARGS = '{"n":0}'
_MINIMAL_RESULT = '{"ok":true}'


def _write_all(connection: sqlite3.Connection, statement: str, rows: list[tuple[str, ...]]) -> None:
    if connection.executemany(statement, rows).rowcount != len(rows):
        raise RuntimeError("minimal ceiling: an update missed its row")


def minimal_ceiling(path: Path, *, queue: str, tasks: int, enqueue_batch: int, claim_batch: int) -> float:
    """Insert ``tasks`` queued rows in batches, then claim and complete them batch by batch; returns tasks/s.

    One thread, ``sqlite3`` directly, one ``BEGIN IMMEDIATE`` transaction per batch (the raw ceiling's
    batch sizes and pragmas), ids from the server's generator; no query picks the claimed rows,
    they are updated by id, so this counts only the three writes per task.
    """
    ids = server_task_ids(tasks)
    connection = connect(path)
    try:
        connection.execute(_MINIMAL_SCHEMA).close()
        started = time.perf_counter()
        for start in range(0, tasks, enqueue_batch):
            with _transaction(connection):
                connection.executemany(
                    _MINIMAL_INSERT,
                    [(task_id, queue, _MINIMAL_ARGS) for task_id in ids[start : start + enqueue_batch]],
                )
        for start in range(0, tasks, claim_batch):
            batch = ids[start : start + claim_batch]
            with _transaction(connection):
                _write_all(connection, _MINIMAL_CLAIM, [(task_id,) for task_id in batch])
            with _transaction(connection):
                _write_all(connection, _MINIMAL_DONE, [(_MINIMAL_RESULT, task_id) for task_id in batch])
        return tasks / (time.perf_counter() - started)
    finally:
        connection.close()


async def _round_trips(path: Path, count: int) -> float:
    connections = SqliteConnections(path, busy_timeout_ms=5_000)

    async def trivial(reader: Statements) -> None:
        await reader.execute_fetchall("SELECT 1")

    try:
        await connections.read(trivial)
        started = time.perf_counter()
        for _ in range(count):
            await connections.read(trivial)
        return (time.perf_counter() - started) / count
    finally:
        await connections.close()


def statement_round_trips(path: Path, *, count: int = 500) -> tuple[float, float]:
    """Seconds per trivial read handed to the server's connection thread, and through sqlite3 directly."""
    through_thread = asyncio.run(_round_trips(path, count))
    connection = connect(path)
    try:
        started = time.perf_counter()
        for _ in range(count):
            connection.execute("SELECT 1").fetchall()
        return through_thread, (time.perf_counter() - started) / count
    finally:
        connection.close()
