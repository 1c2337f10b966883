"""Push worker registrations: one row per worker id, CAS on the version column (see ``records``)."""

from app.storage.port import PushWorker
from app.storage.push_worker_documents import PUSH_WORKER_RECORDS
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.records import RecordScan, RecordTable, SqliteRecords

_TABLE = RecordTable(name="push_workers", kind=PUSH_WORKER_RECORDS)


class SqlitePushWorkerMethods:
    _connections: SqliteConnections

    @property
    def _push_workers(self) -> SqliteRecords[PushWorker]:
        return SqliteRecords(self._connections, _TABLE)

    async def create_push_worker(self, worker: PushWorker) -> PushWorker:
        return await self._push_workers.create(worker)

    async def get_push_worker(self, worker_id: str) -> PushWorker:
        return await self._push_workers.get(worker_id)

    async def update_push_worker(self, previous: PushWorker, updated: PushWorker) -> PushWorker:
        return await self._push_workers.compare_and_swap(previous, updated)

    async def delete_push_worker(self, previous: PushWorker) -> None:
        await self._push_workers.delete(previous)

    async def list_push_workers(self) -> list[PushWorker]:
        return await self._push_workers.scan(RecordScan())
