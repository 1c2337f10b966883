"""Admin jobs (query-driven bulk actions): one document per job id in ``{prefix}admin_jobs``.

``_source`` is ``app.storage.admin_job_documents``' shape, shared with SQLite. Single-job reads are
realtime GETs; creation is create-only and every change a full ``index`` under
``if_seq_no``/``if_primary_term`` (the documents are small), sent without client retries (see ``bulk``).
A job's version is the document's ``_seq_no``/``_primary_term``.

``list_admin_jobs`` promises read-your-writes, so, like ``list_recurring``, it refreshes this one small
index first; jobs are created by hand and updated once per batch by the leader, so that refresh is
rare. It orders newest first by ``created_at`` (``date_nanos``, microseconds as SQLite keeps them),
then id, and returns at most ``MAX_LISTED`` jobs.
"""

import dataclasses
from typing import Any

from app.domain.errors import AdminJobNotFound, VersionConflict
from app.storage.admin_job_documents import admin_job_from_document, admin_job_to_document
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import EngineConflict, EngineNotFound, SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.writes import response_version
from app.storage.port import AdminJob

MAX_LISTED = MAX_CANDIDATES
_LENIENT: dict[str, Any] = {"ignore_unavailable": True, "allow_no_indices": True}
_NEWEST_FIRST = [
    {"created_at": {"order": "desc", "unmapped_type": "date_nanos"}},
    {"id": {"order": "asc", "unmapped_type": "keyword"}},
]


def _from_hit(hit: dict[str, Any]) -> AdminJob:
    return admin_job_from_document(hit["_source"], response_version(hit))


class ElasticsearchAdminJobMethods:
    _client: SearchEngine
    names: IndexNames

    async def create_admin_job(self, job: AdminJob) -> AdminJob:
        with translated_errors("create admin job"):
            try:
                response = await self._client.create(
                    index=self.names.admin_jobs, id=job.id, document=admin_job_to_document(job)
                )
            except EngineConflict:
                raise VersionConflict(job.id) from None
        return dataclasses.replace(job, version=response_version(response))

    async def get_admin_job(self, job_id: str) -> AdminJob:
        with translated_errors("get admin job"):
            try:
                response = await self._client.get(index=self.names.admin_jobs, id=job_id, realtime=True)
            except EngineNotFound:
                raise AdminJobNotFound(job_id) from None
        return _from_hit(response)

    async def update_admin_job(self, previous: AdminJob, updated: AdminJob) -> AdminJob:
        expected = previous.version
        if expected is None:
            # Never read from the store, so there is no version to compare against.
            raise VersionConflict(previous.id)
        with translated_errors("update admin job"):
            try:
                response = await self._client.index(
                    index=self.names.admin_jobs,
                    id=previous.id,
                    document=admin_job_to_document(updated),
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound):
                # Changed, deleted (409 "no document was found"), or the whole index is gone (404).
                raise VersionConflict(previous.id) from None
        return dataclasses.replace(updated, version=response_version(response))

    async def list_admin_jobs(self, *, statuses: tuple[str, ...], limit: int) -> list[AdminJob]:
        if limit <= 0:
            return []
        index = self.names.admin_jobs
        filters = [{"terms": {"status": list(dict.fromkeys(statuses))}}] if statuses else []
        with translated_errors("list admin jobs"):
            await self._client.indices.refresh(index=index, **_LENIENT)
            response = await self._client.search(
                index=index,
                **_LENIENT,
                seq_no_primary_term=True,
                track_total_hits=False,
                size=min(limit, MAX_LISTED),
                query={"bool": {"filter": filters}},
                sort=_NEWEST_FIRST,
            )
        return [_from_hit(hit) for hit in response["hits"]["hits"]]
