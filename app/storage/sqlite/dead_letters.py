"""Expiring DEAD tasks: live ones by a delete conditional on their row version, archived ones outright.

Both lookups have a partial index (``tasks_dead``, ``archived_dead_tasks`` in schema.sql), so a pass
costs in proportion to the dead tasks, not to the whole live or archived set.
"""

from collections.abc import Sequence
from datetime import datetime

from app.domain.errors import TaskNotFound, VersionConflict
from app.domain.task import Task
from app.storage.documents import format_stored_time
from app.storage.port import DeleteResult
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import micros, task_from_row
from app.storage.sqlite.statements import Row, Statements

# Spelled exactly as in the archived_dead_tasks index, so the planner can use it.
_ARCHIVED_DEAD = "json_extract(document, '$.state') = 'dead'"
_ARCHIVED_FINISHED_AT = "json_extract(document, '$.metadata.modified_at')"


class SqliteDeadLetterMethods:
    _connections: SqliteConnections

    async def dead_task_queues(self) -> list[str]:
        async def body(reader: Statements) -> list[Row]:
            return await reader.execute_fetchall(
                "SELECT DISTINCT queue FROM tasks WHERE state = 'dead' "
                f"UNION SELECT DISTINCT queue FROM archived_tasks WHERE {_ARCHIVED_DEAD} ORDER BY queue"
            )

        return [row[0] for row in await self._connections.read(body)]

    async def find_dead_tasks(self, *, queue: str, finished_before: datetime, limit: int) -> list[Task]:
        async def body(reader: Statements) -> list[Row]:
            return await reader.execute_fetchall(
                "SELECT document, version FROM tasks WHERE state = 'dead' AND queue = ? "
                "AND modified_at_us <= ? ORDER BY modified_at_us LIMIT ?",
                (queue, micros(finished_before), limit),
            )

        return [task_from_row(row) for row in await self._connections.read(body)] if limit > 0 else []

    async def delete_tasks(self, tasks: Sequence[Task]) -> list[DeleteResult]:
        async def body(writer: Statements) -> list[DeleteResult]:
            return [await compare_and_delete(writer, task) for task in tasks]

        return await self._connections.write(body) if tasks else []

    async def prune_archived_dead(self, *, queue: str, finished_before: datetime, limit: int) -> int:
        async def body(writer: Statements) -> int:
            async with writer.execute(
                "DELETE FROM archived_tasks WHERE (queue, id) IN (SELECT queue, id FROM archived_tasks "
                f"WHERE queue = ? AND {_ARCHIVED_DEAD} AND {_ARCHIVED_FINISHED_AT} <= ? LIMIT ?)",
                (queue, format_stored_time(finished_before), limit),
            ) as outcome:
                return outcome.rowcount

        return await self._connections.write(body) if limit > 0 else 0


async def compare_and_delete(writer: Statements, previous: Task) -> DeleteResult:
    """Delete the live row if its version is still the one ``previous`` was read with."""
    expected = previous.metadata.version
    if expected is None:
        return VersionConflict(previous.id)
    async with writer.execute(
        "DELETE FROM tasks WHERE queue = ? AND id = ? AND version = ?",
        (previous.queue, previous.id, expected.seq_num),
    ) as outcome:
        if outcome.rowcount == 1:
            return previous
    exists = await writer.execute_fetchall(
        "SELECT 1 FROM tasks WHERE queue = ? AND id = ?", (previous.queue, previous.id)
    )
    return VersionConflict(previous.id) if exists else TaskNotFound(previous.queue, previous.id)
