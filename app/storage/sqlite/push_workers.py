"""Push worker registrations: one row per worker id, CAS on the version column like recurring rows."""

import json
import sqlite3
from dataclasses import replace

from app.domain.errors import PushWorkerAlreadyExists, PushWorkerNotFound, VersionConflict
from app.storage.port import PushWorker
from app.storage.push_worker_documents import push_worker_from_document, push_worker_to_document
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, version_of
from app.storage.sqlite.statements import Statements


class SqlitePushWorkerMethods:
    _connections: SqliteConnections

    async def create_push_worker(self, worker: PushWorker) -> PushWorker:
        try:
            async with self._connections.write_transaction() as writer:
                await writer.execute_fetchall(
                    "INSERT INTO push_workers (id, version, document) VALUES (?, 1, ?)",
                    (worker.id, dumps(push_worker_to_document(worker))),
                )
        except sqlite3.IntegrityError as error:
            raise PushWorkerAlreadyExists(worker.id) from error
        return replace(worker, version=version_of(1))

    async def get_push_worker(self, worker_id: str) -> PushWorker:
        async with self._connections.reader() as reader:
            rows = list(
                await reader.execute_fetchall(
                    "SELECT document, version FROM push_workers WHERE id = ?", (worker_id,)
                )
            )
        if not rows:
            raise PushWorkerNotFound(worker_id)
        return push_worker_from_document(json.loads(rows[0][0]), version_of(rows[0][1]))

    async def update_push_worker(self, previous: PushWorker, updated: PushWorker) -> PushWorker:
        expected = _expected_version(previous)
        async with self._connections.write_transaction() as writer:
            async with writer.execute(
                "UPDATE push_workers SET document = ?, version = version + 1 WHERE id = ? AND version = ?",
                (dumps(push_worker_to_document(updated)), previous.id, expected),
            ) as cursor:
                swapped = cursor.rowcount == 1
            if not swapped:
                await _raise_missing_or_conflict(writer, previous.id)
        return replace(updated, version=version_of(expected + 1))

    async def delete_push_worker(self, previous: PushWorker) -> None:
        expected = _expected_version(previous)
        async with self._connections.write_transaction() as writer:
            async with writer.execute(
                "DELETE FROM push_workers WHERE id = ? AND version = ?", (previous.id, expected)
            ) as cursor:
                deleted = cursor.rowcount == 1
            if not deleted:
                await _raise_missing_or_conflict(writer, previous.id)

    async def list_push_workers(self) -> list[PushWorker]:
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall("SELECT document, version FROM push_workers ORDER BY id")
        return [
            push_worker_from_document(json.loads(document), version_of(version)) for document, version in rows
        ]


def _expected_version(worker: PushWorker) -> int:
    if worker.version is None:
        raise VersionConflict(worker.id)
    return worker.version.seq_num


async def _raise_missing_or_conflict(writer: Statements, worker_id: str) -> None:
    exists = await writer.execute_fetchall("SELECT 1 FROM push_workers WHERE id = ?", (worker_id,))
    raise VersionConflict(worker_id) if exists else PushWorkerNotFound(worker_id)
