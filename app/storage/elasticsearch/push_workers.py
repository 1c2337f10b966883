"""Push worker registrations: one document per worker id in ``{prefix}push_workers`` (see ``records``).

``_source`` is ``app.storage.push_worker_documents``' shape; the signing secret lives there unmapped
(``dynamic: false``), so it is never indexed or searchable, though anyone allowed to read the index
can read it. ``list_push_workers`` does not refresh: the leader lists every pass, then reads each
worker by id for its latest delivery state, so a new registration starts receiving tasks within one
refresh interval.
"""

from app.domain.push_workers import PushWorker
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.records import EngineRecords, RecordSearch
from app.storage.push_worker_documents import PUSH_WORKER_RECORDS
from app.storage.record_methods import PushWorkerRecordMethods


class ElasticsearchPushWorkerMethods(PushWorkerRecordMethods):
    _client: SearchEngine
    names: IndexNames

    @property
    def _push_workers(self) -> EngineRecords[PushWorker]:
        return EngineRecords(self._client, PUSH_WORKER_RECORDS, index=self.names.push_workers)

    async def list_push_workers(self) -> list[PushWorker]:
        return await self._push_workers.scan(RecordSearch(size=MAX_CANDIDATES))
