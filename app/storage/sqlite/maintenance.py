"""Queries and moves for the leader-only services. Each move is one IMMEDIATE transaction, so the
archive copy, the dedup record and the live delete land together or not at all."""

from datetime import datetime

from app.domain.states import FINISHED_STATES, TaskState
from app.domain.task import Task
from app.storage.port import ArchiveOutcome
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import micros, task_from_row

_FINISHED = ", ".join(f"'{state.value}'" for state in sorted(FINISHED_STATES))
_OUTSTANDING = ", ".join(
    f"'{state.value}'" for state in (TaskState.QUEUED, TaskState.FAILED, TaskState.CLAIMED)
)


class SqliteMaintenanceMethods:
    _connections: SqliteConnections

    async def find_timed_out(self, *, at: datetime, limit: int) -> list[Task]:
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall(
                "SELECT document, version FROM tasks WHERE state = 'claimed' AND times_out_at_us <= ? "
                "ORDER BY times_out_at_us LIMIT ?",
                (micros(at), limit),
            )
        return [task_from_row(row) for row in rows]

    async def count_outstanding(self, *, queue: str, recurring_task_id: str) -> int:
        async with self._connections.reader() as reader:
            rows = list(
                await reader.execute_fetchall(
                    f"SELECT COUNT(*) FROM tasks WHERE queue = ? AND recurring_task_id = ? AND state IN ({_OUTSTANDING})",
                    (queue, recurring_task_id),
                )
            )
        return int(rows[0][0])

    async def find_outstanding(self, *, queue: str, recurring_task_id: str, limit: int) -> list[Task]:
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall(
                f"SELECT document, version FROM tasks WHERE queue = ? AND recurring_task_id = ? "
                f"AND state IN ({_OUTSTANDING}) ORDER BY json_extract(document, '$.metadata.created_at'), id LIMIT ?",
                (queue, recurring_task_id, limit),
            )
        return [task_from_row(row) for row in rows]

    async def archive_finished(
        self, *, finished_before: datetime, at: datetime, limit: int
    ) -> ArchiveOutcome:
        async with self._connections.write_transaction() as writer:
            rows = list(
                await writer.execute_fetchall(
                    f"SELECT queue, id, version, document FROM tasks WHERE state IN ({_FINISHED}) "
                    "AND modified_at_us <= ? ORDER BY modified_at_us LIMIT ?",
                    (micros(finished_before), limit),
                )
            )
            archived_at = micros(at)
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
        return ArchiveOutcome(archived=len(rows), skipped=0)

    async def prune_archive(
        self, *, archived_before: datetime | None, dedup_before: datetime, limit: int
    ) -> int:
        pruned = 0
        async with self._connections.write_transaction() as writer:
            targets = [("dedup_records", dedup_before)]
            if archived_before is not None:
                targets.append(("archived_tasks", archived_before))
            for table, before in targets:
                async with writer.execute(
                    f"DELETE FROM {table} WHERE (queue, id) IN "
                    f"(SELECT queue, id FROM {table} WHERE archived_at_us < ? ORDER BY archived_at_us LIMIT ?)",
                    (micros(before), limit),
                ) as cursor:
                    pruned += cursor.rowcount
        return pruned
