"""Leader lock rows: one per lock name, changed only by compare-and-swap on the version column."""

import json
import sqlite3
from datetime import datetime, timedelta

from app.domain.errors import VersionConflict
from app.storage.port import LockRecord
from app.storage.recurring_documents import lock_from_document, lock_to_document
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, version_of


class SqliteLockMethods:
    _connections: SqliteConnections

    async def read_lock(self, name: str) -> LockRecord | None:
        async with self._connections.reader() as reader:
            rows = list(
                await reader.execute_fetchall(
                    "SELECT document, version FROM leader_locks WHERE name = ?", (name,)
                )
            )
        if not rows:
            return None
        document, seq_num = rows[0]
        return lock_from_document(name, json.loads(document), version_of(seq_num))

    async def create_lock(self, name: str, *, holder: str, at: datetime, lease: timedelta) -> LockRecord:
        document = lock_to_document(holder=holder, at=at, lease=lease)
        try:
            async with self._connections.write_transaction() as writer:
                await writer.execute_fetchall(
                    "INSERT INTO leader_locks (name, version, document) VALUES (?, 1, ?)",
                    (name, dumps(document)),
                )
        except sqlite3.IntegrityError as error:
            raise VersionConflict(name) from error
        return lock_from_document(name, document, version_of(1))

    async def replace_lock(
        self, previous: LockRecord, *, holder: str, at: datetime, lease: timedelta
    ) -> LockRecord:
        document = lock_to_document(holder=holder, at=at, lease=lease)
        async with (
            self._connections.write_transaction() as writer,
            writer.execute(
                "UPDATE leader_locks SET document = ?, version = version + 1 WHERE name = ? AND version = ?",
                (dumps(document), previous.name, previous.version.seq_num),
            ) as cursor,
        ):
            swapped = cursor.rowcount == 1
        if not swapped:
            raise VersionConflict(previous.name)
        return lock_from_document(previous.name, document, version_of(previous.version.seq_num + 1))

    async def delete_lock(self, previous: LockRecord) -> bool:
        async with (
            self._connections.write_transaction() as writer,
            writer.execute(
                "DELETE FROM leader_locks WHERE name = ? AND version = ?",
                (previous.name, previous.version.seq_num),
            ) as cursor,
        ):
            return cursor.rowcount == 1
