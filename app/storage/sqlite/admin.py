"""Paused queues (one row) and admin job rows, both changed by compare-and-swap."""

import json
import sqlite3

from app.domain.errors import AdminJobNotFound, VersionConflict
from app.storage.admin_job_documents import admin_job_from_document, admin_job_to_document
from app.storage.documents import format_stored_time
from app.storage.port import AdminJob
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, version_of

_PAUSED = "paused"


class SqliteAdminMethods:
    _connections: SqliteConnections

    async def paused_queues(self) -> frozenset[str]:
        async with self._connections.reader() as reader:
            rows = list(
                await reader.execute_fetchall("SELECT paused FROM queue_controls WHERE name = ?", (_PAUSED,))
            )
        return frozenset(json.loads(rows[0][0])) if rows else frozenset()

    async def set_queue_paused(self, queue: str, *, paused: bool) -> frozenset[str]:
        async with self._connections.write_transaction() as writer:
            rows = list(
                await writer.execute_fetchall("SELECT paused FROM queue_controls WHERE name = ?", (_PAUSED,))
            )
            current = set(json.loads(rows[0][0])) if rows else set()
            updated = current | {queue} if paused else current - {queue}
            await writer.execute_fetchall(
                "INSERT INTO queue_controls (name, paused) VALUES (?, ?) "
                "ON CONFLICT (name) DO UPDATE SET paused = excluded.paused",
                (_PAUSED, json.dumps(sorted(updated))),
            )
        return frozenset(updated)

    async def create_admin_job(self, job: AdminJob) -> AdminJob:
        try:
            async with self._connections.write_transaction() as writer:
                await writer.execute_fetchall(
                    "INSERT INTO admin_jobs (id, status, created_at, version, document) VALUES (?, ?, ?, 1, ?)",
                    (
                        job.id,
                        job.status,
                        format_stored_time(job.created_at),
                        dumps(admin_job_to_document(job)),
                    ),
                )
        except sqlite3.IntegrityError as error:
            raise VersionConflict(job.id) from error
        return admin_job_from_document(admin_job_to_document(job), version_of(1))

    async def get_admin_job(self, job_id: str) -> AdminJob:
        async with self._connections.reader() as reader:
            rows = list(
                await reader.execute_fetchall(
                    "SELECT document, version FROM admin_jobs WHERE id = ?", (job_id,)
                )
            )
        if not rows:
            raise AdminJobNotFound(job_id)
        return admin_job_from_document(json.loads(rows[0][0]), version_of(rows[0][1]))

    async def update_admin_job(self, previous: AdminJob, updated: AdminJob) -> AdminJob:
        if previous.version is None:
            raise VersionConflict(previous.id)
        expected = previous.version.seq_num
        async with (
            self._connections.write_transaction() as writer,
            writer.execute(
                "UPDATE admin_jobs SET status = ?, document = ?, version = version + 1 WHERE id = ? AND version = ?",
                (updated.status, dumps(admin_job_to_document(updated)), previous.id, expected),
            ) as cursor,
        ):
            swapped = cursor.rowcount == 1
        if not swapped:
            raise VersionConflict(previous.id)
        return admin_job_from_document(admin_job_to_document(updated), version_of(expected + 1))

    async def list_admin_jobs(self, *, statuses: tuple[str, ...], limit: int) -> list[AdminJob]:
        condition = f"WHERE status IN ({', '.join('?' * len(statuses))})" if statuses else ""
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall(
                f"SELECT document, version FROM admin_jobs {condition} ORDER BY created_at DESC, id LIMIT ?",
                (*statuses, limit),
            )
        return [
            admin_job_from_document(json.loads(document), version_of(version)) for document, version in rows
        ]
