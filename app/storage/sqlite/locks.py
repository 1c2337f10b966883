"""Leader lock rows: one per lock name, changed only by compare-and-swap on the version column."""

import json
import sqlite3
from datetime import datetime, timedelta

from app.domain.errors import VersionConflict
from app.domain.leader_locks import LockRecord
from app.storage.recurring_documents import lock_from_document, lock_to_document
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, version_of
from app.storage.sqlite.statements import changed_rows


class SqliteLockMethods:
    _connections: SqliteConnections

    async def read_lock(self, name: str) -> LockRecord | None:
        sql = "SELECT document, version FROM leader_locks WHERE name = ?"
        rows = await self._connections.read(lambda reader: reader.execute_fetchall(sql, (name,)))
        if not rows:
            return None
        document, seq_num = rows[0]
        return lock_from_document(name, json.loads(document), version_of(seq_num))

    async def create_lock(self, name: str, *, holder: str, at: datetime, lease: timedelta) -> LockRecord:
        document = lock_to_document(holder=holder, at=at, lease=lease)
        sql = "INSERT INTO leader_locks (name, version, document) VALUES (?, 1, ?)"
        try:
            await self._connections.write(
                lambda writer: writer.execute_fetchall(sql, (name, dumps(document)))
            )
        except sqlite3.IntegrityError as error:
            raise VersionConflict(name) from error
        return lock_from_document(name, document, version_of(1))

    async def replace_lock(
        self, previous: LockRecord, *, holder: str, at: datetime, lease: timedelta
    ) -> LockRecord:
        document = lock_to_document(holder=holder, at=at, lease=lease)
        sql = "UPDATE leader_locks SET document = ?, version = version + 1 WHERE name = ? AND version = ?"
        parameters = (dumps(document), previous.name, previous.version.seq_num)
        if await self._connections.write(lambda writer: changed_rows(writer, sql, parameters)) != 1:
            raise VersionConflict(previous.name)
        return lock_from_document(previous.name, document, version_of(previous.version.seq_num + 1))

    async def delete_lock(self, previous: LockRecord) -> bool:
        sql = "DELETE FROM leader_locks WHERE name = ? AND version = ?"
        parameters = (previous.name, previous.version.seq_num)
        return await self._connections.write(lambda writer: changed_rows(writer, sql, parameters)) == 1
