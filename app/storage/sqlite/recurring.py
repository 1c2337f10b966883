"""Recurring definition rows, CAS on the version column like tasks."""

import json
import sqlite3

from app.domain.errors import RecurringTaskAlreadyExists, RecurringTaskNotFound, VersionConflict
from app.domain.recurring import RecurringTask
from app.storage.recurring_documents import recurring_from_document, recurring_to_document
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.rows import dumps, version_of
from app.storage.sqlite.statements import Statements


def _with_version(recurring: RecurringTask, seq_num: int) -> RecurringTask:
    metadata = recurring.metadata.model_copy(update={"version": version_of(seq_num)})
    return recurring.model_copy(update={"metadata": metadata})


class SqliteRecurringMethods:
    _connections: SqliteConnections

    async def create_recurring(self, recurring: RecurringTask) -> RecurringTask:
        try:
            async with self._connections.write_transaction() as writer:
                await writer.execute_fetchall(
                    "INSERT INTO recurring_tasks (id, version, document) VALUES (?, 1, ?)",
                    (recurring.id, dumps(recurring_to_document(recurring))),
                )
        except sqlite3.IntegrityError as error:
            raise RecurringTaskAlreadyExists(recurring.id) from error
        return _with_version(recurring, 1)

    async def get_recurring(self, recurring_id: str) -> RecurringTask:
        async with self._connections.reader() as reader:
            rows = list(
                await reader.execute_fetchall(
                    "SELECT document, version FROM recurring_tasks WHERE id = ?", (recurring_id,)
                )
            )
        if not rows:
            raise RecurringTaskNotFound(recurring_id)
        document, seq_num = rows[0]
        return recurring_from_document(json.loads(document), version_of(seq_num), recurring_id=recurring_id)

    async def update_recurring(self, previous: RecurringTask, updated: RecurringTask) -> RecurringTask:
        expected = _expected_version(previous)
        async with self._connections.write_transaction() as writer:
            async with writer.execute(
                "UPDATE recurring_tasks SET document = ?, version = version + 1 WHERE id = ? AND version = ?",
                (dumps(recurring_to_document(updated)), previous.id, expected),
            ) as cursor:
                swapped = cursor.rowcount == 1
            if not swapped:
                await _raise_missing_or_conflict(writer, previous.id)
        return _with_version(updated, expected + 1)

    async def delete_recurring(self, previous: RecurringTask) -> None:
        expected = _expected_version(previous)
        async with self._connections.write_transaction() as writer:
            async with writer.execute(
                "DELETE FROM recurring_tasks WHERE id = ? AND version = ?", (previous.id, expected)
            ) as cursor:
                deleted = cursor.rowcount == 1
            if not deleted:
                await _raise_missing_or_conflict(writer, previous.id)

    async def list_recurring(self) -> list[RecurringTask]:
        async with self._connections.reader() as reader:
            rows = await reader.execute_fetchall(
                "SELECT id, document, version FROM recurring_tasks ORDER BY id"
            )
        return [
            recurring_from_document(json.loads(document), version_of(seq_num), recurring_id=recurring_id)
            for recurring_id, document, seq_num in rows
        ]


def _expected_version(recurring: RecurringTask) -> int:
    if recurring.metadata.version is None:
        raise VersionConflict(recurring.id)
    return recurring.metadata.version.seq_num


async def _raise_missing_or_conflict(writer: Statements, recurring_id: str) -> None:
    exists = await writer.execute_fetchall("SELECT 1 FROM recurring_tasks WHERE id = ?", (recurring_id,))
    raise VersionConflict(recurring_id) if exists else RecurringTaskNotFound(recurring_id)
