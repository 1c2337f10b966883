"""``TaskStore`` on SQLite; see the package docstring for the concurrency design."""

import json
import sqlite3
from collections.abc import Callable, Sequence
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

import aiosqlite

from app.domain.errors import StoreNotSetUp, TaskAlreadyExists, TaskNotFound, VersionConflict
from app.domain.task import Task, Version
from app.storage.documents import task_from_document, task_to_document
from app.storage.port import ClaimOutcome, ClaimRequest, CreateResult, UpdateResult
from app.storage.sqlite.connection import SqliteConnections

_PRIMARY_TERM = 1
_CLAIM_ORDER = "ORDER BY priority DESC, run_at_us ASC, enqueued_at_us ASC"
_INSERT = (
    "INSERT INTO tasks (queue, id, state, priority, run_at_us, enqueued_at_us, remaining_attempts, version, "
    "document) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)"
)
_UPDATE = (
    "UPDATE tasks SET state = ?, priority = ?, run_at_us = ?, enqueued_at_us = ?, remaining_attempts = ?, "
    "version = version + 1, document = ? WHERE queue = ? AND id = ? AND version = ?"
)


def _micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def _row_values(task: Task) -> tuple[str, int, int, int, int, str]:
    return (
        task.state.value,
        task.priority,
        _micros(task.run_at),
        _micros(task.last_enqueued_at),
        task.remaining_attempts,
        json.dumps(task_to_document(task), separators=(",", ":")),
    )


def _with_version(task: Task, version: int) -> Task:
    metadata = task.metadata.model_copy(
        update={"version": Version(seq_num=version, primary_term=_PRIMARY_TERM)}
    )
    return task.model_copy(update={"metadata": metadata})


class SqliteTaskStore:
    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 5_000) -> None:
        self.path = Path(path)
        self._connections = SqliteConnections(self.path, busy_timeout_ms=busy_timeout_ms)

    async def setup(self) -> None:
        schema = resources.files("app.storage.sqlite").joinpath("schema.sql").read_text()
        async with self._connections.write_transaction() as writer:
            for statement in filter(str.strip, schema.split(";")):
                await writer.execute_fetchall(statement)

    async def verify_setup(self) -> None:
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
            tables = {row[0] for row in rows}
        missing = sorted({"tasks", "schema_info"} - tables)
        if missing:
            raise StoreNotSetUp([f"sqlite table {name}" for name in missing])

    async def ping(self) -> None:
        async with self._connections.reader() as reader:
            await reader.execute_fetchall("SELECT 1 FROM tasks LIMIT 1")

    async def close(self) -> None:
        await self._connections.close()

    async def create_tasks(self, tasks: Sequence[Task]) -> list[CreateResult]:
        results: list[CreateResult] = []
        async with self._connections.write_transaction() as writer:
            for task in tasks:
                results.append(await self._insert(writer, task))
        return results

    async def _insert(self, writer: aiosqlite.Connection, task: Task) -> CreateResult:
        state, priority, run_at, enqueued_at, remaining, document = _row_values(task)
        try:
            await writer.execute_fetchall(
                _INSERT, (task.queue, task.id, state, priority, run_at, enqueued_at, remaining, document)
            )
        except sqlite3.IntegrityError:
            return TaskAlreadyExists(task.queue, task.id)
        return _with_version(task, 1)

    async def get_task(self, queue: str, task_id: str) -> Task:
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall(
                "SELECT document, version FROM tasks WHERE queue = ? AND id = ?", (queue, task_id)
            )
        if not rows:
            raise TaskNotFound(queue, task_id)
        return _task_from_row(next(iter(rows)))

    async def update_task(self, previous: Task, updated: Task) -> Task:
        (result,) = await self.update_tasks([(previous, updated)])
        if isinstance(result, VersionConflict | TaskNotFound):
            raise result
        return result

    async def update_tasks(self, changes: Sequence[tuple[Task, Task]]) -> list[UpdateResult]:
        async with self._connections.write_transaction() as writer:
            return [await self._compare_and_swap(writer, previous, updated) for previous, updated in changes]

    async def _compare_and_swap(
        self, writer: aiosqlite.Connection, previous: Task, updated: Task
    ) -> UpdateResult:
        expected = previous.metadata.version
        if expected is None:
            return VersionConflict(previous.id)
        async with writer.execute(
            _UPDATE, (*_row_values(updated), previous.queue, previous.id, expected.seq_num)
        ) as cursor:
            swapped = cursor.rowcount == 1
        if swapped:
            return _with_version(updated, expected.seq_num + 1)
        exists = await writer.execute_fetchall(
            "SELECT 1 FROM tasks WHERE queue = ? AND id = ?", (previous.queue, previous.id)
        )
        if not exists:
            return TaskNotFound(previous.queue, previous.id)
        return VersionConflict(previous.id)

    async def claim_tasks(self, request: ClaimRequest, claim: Callable[[Task], Task]) -> ClaimOutcome:
        claimed: list[Task] = []
        if not await self._any_claimable(request):
            # Idle blocked claimers re-check often; a read keeps them off the single write lock.
            return ClaimOutcome(claimed=claimed, conflicts=0)
        async with self._connections.write_transaction() as writer:
            for row in await self._claim_candidates(writer, request):
                candidate = _task_from_row(row)
                updated = claim(candidate)
                result = await self._compare_and_swap(writer, candidate, updated)
                if isinstance(result, Task):
                    claimed.append(result)
        return ClaimOutcome(claimed=claimed, conflicts=0)

    async def _any_claimable(self, request: ClaimRequest) -> bool:
        condition, parameters = _claimable_condition(request)
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall(f"SELECT 1 FROM tasks WHERE {condition} LIMIT 1", parameters)
        return bool(rows)

    async def _claim_candidates(self, writer: aiosqlite.Connection, request: ClaimRequest) -> list[Any]:
        condition, parameters = _claimable_condition(request)
        rows = await writer.execute_fetchall(
            f"SELECT document, version FROM tasks WHERE {condition} {_CLAIM_ORDER} LIMIT ?",
            (*parameters, request.amount),
        )
        return list(rows)


def _claimable_condition(request: ClaimRequest) -> tuple[str, tuple[Any, ...]]:
    condition = "state IN ('queued', 'failed') AND run_at_us <= ? AND remaining_attempts > 0"
    if not request.queues:
        return condition, (_micros(request.at),)
    placeholders = ", ".join("?" * len(request.queues))
    return f"{condition} AND queue IN ({placeholders})", (_micros(request.at), *request.queues)


def _task_from_row(row: Any) -> Task:
    document, version = row
    return task_from_document(json.loads(document), Version(seq_num=version, primary_term=_PRIMARY_TERM))
