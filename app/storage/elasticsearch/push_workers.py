"""Push worker registrations: one document per worker id in ``{prefix}push_workers``.

``_source`` is ``app.storage.push_worker_documents``' shape; the signing secret lives there unmapped
(``dynamic: false``), so it is never indexed or searchable, though anyone allowed to read the index
can read it. Reads by id are realtime GETs; creation is create-only, changes and deletes are
conditional on ``if_seq_no``/``if_primary_term`` and sent without client retries. ``list_push_workers``
does not refresh: the leader lists every pass, then reads each worker by id for its latest delivery
state, so a new registration starts receiving tasks within one refresh interval.
"""

import dataclasses
from typing import Any

from app.domain.errors import PushWorkerAlreadyExists, PushWorkerNotFound, VersionConflict
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import EngineConflict, EngineError, EngineNotFound, SearchEngine
from app.storage.elasticsearch.errors import document_missing, translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.writes import response_version
from app.storage.port import PushWorker
from app.storage.push_worker_documents import push_worker_from_document, push_worker_to_document


def _from_hit(hit: dict[str, Any]) -> PushWorker:
    return push_worker_from_document(hit["_source"], response_version(hit))


def _cas_failure(worker_id: str, error: EngineError) -> PushWorkerNotFound | VersionConflict:
    return PushWorkerNotFound(worker_id) if document_missing(error) else VersionConflict(worker_id)


class ElasticsearchPushWorkerMethods:
    _client: SearchEngine
    names: IndexNames

    async def create_push_worker(self, worker: PushWorker) -> PushWorker:
        with translated_errors("create push worker"):
            try:
                response = await self._client.create(
                    index=self.names.push_workers, id=worker.id, document=push_worker_to_document(worker)
                )
            except EngineConflict:
                raise PushWorkerAlreadyExists(worker.id) from None
        return dataclasses.replace(worker, version=response_version(response))

    async def get_push_worker(self, worker_id: str) -> PushWorker:
        with translated_errors("get push worker"):
            try:
                response = await self._client.get(index=self.names.push_workers, id=worker_id, realtime=True)
            except EngineNotFound:
                raise PushWorkerNotFound(worker_id) from None
        return _from_hit(response)

    async def update_push_worker(self, previous: PushWorker, updated: PushWorker) -> PushWorker:
        expected = previous.version
        if expected is None:
            raise VersionConflict(previous.id)
        with translated_errors("update push worker"):
            try:
                response = await self._client.index(
                    index=self.names.push_workers,
                    id=previous.id,
                    document=push_worker_to_document(updated),
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound) as error:
                raise _cas_failure(previous.id, error) from None
        return dataclasses.replace(updated, version=response_version(response))

    async def delete_push_worker(self, previous: PushWorker) -> None:
        expected = previous.version
        if expected is None:
            raise VersionConflict(previous.id)
        with translated_errors("delete push worker"):
            try:
                await self._client.delete(
                    index=self.names.push_workers,
                    id=previous.id,
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound) as error:
                raise _cas_failure(previous.id, error) from None

    async def list_push_workers(self) -> list[PushWorker]:
        with translated_errors("list push workers"):
            response = await self._client.search(
                index=self.names.push_workers,
                ignore_unavailable=True,
                allow_no_indices=True,
                seq_no_primary_term=True,
                track_total_hits=False,
                size=MAX_CANDIDATES,
                sort=[{"id": {"order": "asc", "unmapped_type": "keyword"}}],
            )
        return [_from_hit(hit) for hit in response["hits"]["hits"]]
