"""Paused queues (one row) and admin job rows (see ``records``), both changed by compare-and-swap."""

import json

from app.domain.admin_jobs import AdminJob
from app.storage.admin_job_documents import ADMIN_JOB_RECORDS
from app.storage.documents import format_stored_time
from app.storage.record_methods import AdminJobRecordMethods
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.records import RecordScan, RecordTable, SqliteRecords
from app.storage.sqlite.statements import Statements

_PAUSED = "paused"
_SELECT_PAUSED = "SELECT paused FROM queue_controls WHERE name = ?"
_TABLE = RecordTable(
    name="admin_jobs",
    kind=ADMIN_JOB_RECORDS,
    columns={"status": lambda job: job.status, "created_at": lambda job: format_stored_time(job.created_at)},
)


class SqliteAdminMethods(AdminJobRecordMethods):
    _connections: SqliteConnections

    async def paused_queues(self) -> frozenset[str]:
        rows = await self._connections.read(
            lambda reader: reader.execute_fetchall(_SELECT_PAUSED, (_PAUSED,))
        )
        return frozenset(json.loads(rows[0][0])) if rows else frozenset()

    async def set_queue_paused(self, queue: str, *, paused: bool) -> frozenset[str]:
        async def change(writer: Statements) -> frozenset[str]:
            rows = await writer.execute_fetchall(_SELECT_PAUSED, (_PAUSED,))
            current = set(json.loads(rows[0][0])) if rows else set()
            updated = current | {queue} if paused else current - {queue}
            await writer.execute_fetchall(
                "INSERT INTO queue_controls (name, paused) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET paused = excluded.paused",
                (_PAUSED, json.dumps(sorted(updated))),
            )
            return frozenset(updated)

        return await self._connections.write(change)

    @property
    def _admin_jobs(self) -> SqliteRecords[AdminJob]:
        return SqliteRecords(self._connections, _TABLE)

    async def list_admin_jobs(self, *, statuses: tuple[str, ...], limit: int) -> list[AdminJob]:
        where = f"status IN ({', '.join('?' * len(statuses))})" if statuses else ""
        scan = RecordScan(where=where, parameters=statuses, order_by="created_at DESC, id", limit=limit)
        return await self._admin_jobs.scan(scan)
