"""Leader locks: one document per lock name in ``{prefix}leader_locks``, changed only by CAS.

Reads are realtime GETs and no write refreshes: the elector never searches, so visibility to search
does not matter. Writes go out without client retries for the reason ``bulk`` gives: a retried create
or CAS whose first attempt landed would report our own success as a conflict. The elector treats
``StoreUnavailable`` as "unknown" and re-reads.
"""

from datetime import datetime, timedelta

from app.domain.errors import VersionConflict
from app.domain.leader_locks import LockRecord
from app.storage.elasticsearch.engine import EngineConflict, EngineNotFound, SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.writes import response_version
from app.storage.recurring_documents import lock_from_document, lock_to_document


class ElasticsearchLockMethods:
    _client: SearchEngine
    names: IndexNames

    async def read_lock(self, name: str) -> LockRecord | None:
        with translated_errors("read lock"):
            try:
                response = await self._client.get(index=self.names.leader_locks, id=name, realtime=True)
            except EngineNotFound:
                return None
        body = response
        return lock_from_document(name, body["_source"], response_version(body))

    async def create_lock(self, name: str, *, holder: str, at: datetime, lease: timedelta) -> LockRecord:
        document = lock_to_document(holder=holder, at=at, lease=lease)
        with translated_errors("create lock"):
            try:
                response = await self._client.create(
                    index=self.names.leader_locks, id=name, document=document
                )
            except EngineConflict:
                raise VersionConflict(name) from None
        return lock_from_document(name, document, response_version(response))

    async def replace_lock(
        self, previous: LockRecord, *, holder: str, at: datetime, lease: timedelta
    ) -> LockRecord:
        document = lock_to_document(holder=holder, at=at, lease=lease)
        with translated_errors("replace lock"):
            try:
                response = await self._client.index(
                    index=self.names.leader_locks,
                    id=previous.name,
                    document=document,
                    if_seq_no=previous.version.seq_num,
                    if_primary_term=previous.version.primary_term,
                )
            except (EngineConflict, EngineNotFound):
                # Changed, deleted (409 "no document was found"), or the whole index is gone (404).
                raise VersionConflict(previous.name) from None
        return lock_from_document(previous.name, document, response_version(response))

    async def delete_lock(self, previous: LockRecord) -> bool:
        with translated_errors("delete lock"):
            try:
                await self._client.delete(
                    index=self.names.leader_locks,
                    id=previous.name,
                    if_seq_no=previous.version.seq_num,
                    if_primary_term=previous.version.primary_term,
                )
            except (EngineConflict, EngineNotFound):
                return False
        return True
