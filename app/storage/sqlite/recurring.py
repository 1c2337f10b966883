"""Recurring definition rows, CAS on the version column like tasks (see ``records``)."""

from app.domain.recurring import RecurringTask
from app.storage.record_methods import RecurringRecordMethods
from app.storage.recurring_documents import RECURRING_RECORDS
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.records import RecordScan, RecordTable, SqliteRecords

_TABLE = RecordTable(name="recurring_tasks", kind=RECURRING_RECORDS)


class SqliteRecurringMethods(RecurringRecordMethods):
    _connections: SqliteConnections

    @property
    def _recurring(self) -> SqliteRecords[RecurringTask]:
        return SqliteRecords(self._connections, _TABLE)

    async def list_recurring(self) -> list[RecurringTask]:
        return await self._recurring.scan(RecordScan())
