"""Recurring definition rows, CAS on the version column like tasks (see ``records``)."""

from app.domain.recurring import RecurringTask
from app.storage.recurring_documents import RECURRING_RECORDS
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.records import RecordScan, RecordTable, SqliteRecords

_TABLE = RecordTable(name="recurring_tasks", kind=RECURRING_RECORDS)


class SqliteRecurringMethods:
    _connections: SqliteConnections

    @property
    def _recurring(self) -> SqliteRecords[RecurringTask]:
        return SqliteRecords(self._connections, _TABLE)

    async def create_recurring(self, recurring: RecurringTask) -> RecurringTask:
        return await self._recurring.create(recurring)

    async def get_recurring(self, recurring_id: str) -> RecurringTask:
        return await self._recurring.get(recurring_id)

    async def update_recurring(self, previous: RecurringTask, updated: RecurringTask) -> RecurringTask:
        return await self._recurring.compare_and_swap(previous, updated)

    async def delete_recurring(self, previous: RecurringTask) -> None:
        await self._recurring.delete(previous)

    async def list_recurring(self) -> list[RecurringTask]:
        return await self._recurring.scan(RecordScan())
