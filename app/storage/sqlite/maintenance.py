"""Queries and moves for the leader-only services. Each move is one IMMEDIATE transaction, so the
archive copy, the dedup record and the live delete land together or not at all."""

from datetime import datetime

from app.domain.states import FINISHED_STATES, TaskState
from app.domain.task import Task
from app.storage.port import ArchiveOutcome
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import micros, task_from_row
from app.storage.sqlite.statements import Statements

_FINISHED = ", ".join(f"'{state.value}'" for state in sorted(FINISHED_STATES))
_OUTSTANDING = ", ".join(
    f"'{state.value}'" for state in (TaskState.QUEUED, TaskState.FAILED, TaskState.CLAIMED)
)


class SqliteMaintenanceMethods:
    _connections: SqliteConnections

    async def find_timed_out(self, *, at: datetime, limit: int) -> list[Task]:
        sql = (
            "SELECT document, version FROM tasks WHERE state = 'claimed' AND times_out_at_us <= ? "
            "ORDER BY times_out_at_us LIMIT ?"
        )
        rows = await self._connections.read(lambda reader: reader.execute_fetchall(sql, (micros(at), limit)))
        return [task_from_row(row) for row in rows]

    async def count_outstanding(self, *, queue: str, recurring_task_id: str) -> int:
        sql = f"SELECT COUNT(*) FROM tasks WHERE queue = ? AND recurring_task_id = ? AND state IN ({_OUTSTANDING})"
        rows = await self._connections.read(
            lambda reader: reader.execute_fetchall(sql, (queue, recurring_task_id))
        )
        return int(rows[0][0])

    async def find_outstanding(self, *, queue: str, recurring_task_id: str, limit: int) -> list[Task]:
        sql = (
            f"SELECT document, version FROM tasks WHERE queue = ? AND recurring_task_id = ? "
            f"AND state IN ({_OUTSTANDING}) ORDER BY json_extract(document, '$.metadata.created_at'), id LIMIT ?"
        )
        parameters = (queue, recurring_task_id, limit)
        rows = await self._connections.read(lambda reader: reader.execute_fetchall(sql, parameters))
        return [task_from_row(row) for row in rows]

    async def archive_finished(
        self, *, finished_before: datetime, at: datetime, limit: int
    ) -> ArchiveOutcome:
        archived_at = micros(at)

        async def move(writer: Statements) -> int:
            rows = await writer.execute_fetchall(
                f"SELECT queue, id, version, document FROM tasks WHERE state IN ({_FINISHED}) "
                "AND modified_at_us <= ? ORDER BY modified_at_us LIMIT ?",
                (micros(finished_before), limit),
            )
            for queue, task_id, version, document in rows:
                await writer.execute_fetchall(
                    "INSERT OR REPLACE INTO archived_tasks (queue, id, archived_at_us, version, document) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (queue, task_id, archived_at, version, document),
                )
                await writer.execute_fetchall(
                    "INSERT OR REPLACE INTO dedup_records (queue, id, archived_at_us) VALUES (?, ?, ?)",
                    (queue, task_id, archived_at),
                )
                await writer.execute_fetchall(
                    "DELETE FROM tasks WHERE queue = ? AND id = ? AND version = ?", (queue, task_id, version)
                )
            return len(rows)

        return ArchiveOutcome(archived=await self._connections.write(move), skipped=0)

    async def prune_archive(
        self, *, archived_before: datetime | None, dedup_before: datetime, limit: int
    ) -> int:
        targets = [("dedup_records", dedup_before)]
        if archived_before is not None:
            targets.append(("archived_tasks", archived_before))

        async def prune(writer: Statements) -> int:
            pruned = 0
            for table, before in targets:
                outcome = await writer.execute(
                    f"DELETE FROM {table} WHERE (queue, id) IN "
                    f"(SELECT queue, id FROM {table} WHERE archived_at_us < ? ORDER BY archived_at_us LIMIT ?)",
                    (micros(before), limit),
                )
                pruned += outcome.rowcount
            return pruned

        return await self._connections.write(prune)
