"""Push worker registrations: one row per worker id, CAS on the version column (see ``records``)."""

from app.domain.push_workers import PushWorker
from app.storage.push_worker_documents import PUSH_WORKER_RECORDS
from app.storage.record_methods import PushWorkerRecordMethods
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.records import RecordScan, RecordTable, SqliteRecords

_TABLE = RecordTable(name="push_workers", kind=PUSH_WORKER_RECORDS)


class SqlitePushWorkerMethods(PushWorkerRecordMethods):
    _connections: SqliteConnections

    @property
    def _push_workers(self) -> SqliteRecords[PushWorker]:
        return SqliteRecords(self._connections, _TABLE)

    async def list_push_workers(self) -> list[PushWorker]:
        return await self._push_workers.scan(RecordScan())
