"""Admin jobs (query-driven bulk actions): one document per job id in ``{prefix}admin_jobs`` (see
``records``).

``_source`` is ``app.storage.admin_job_documents``' shape, shared with SQLite.

``list_admin_jobs`` promises read-your-writes, so, like ``list_recurring``, it refreshes this one small
index first; jobs are created by hand and updated once per batch by the leader, so that refresh is
rare. It orders newest first by ``created_at`` (``date_nanos``, microseconds as SQLite keeps them),
then id, and returns at most ``MAX_LISTED`` jobs.
"""

from app.domain.admin_jobs import AdminJob
from app.storage.admin_job_documents import ADMIN_JOB_RECORDS
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.records import EngineRecords, RecordSearch
from app.storage.record_methods import AdminJobRecordMethods

MAX_LISTED = MAX_CANDIDATES
_NEWEST_FIRST = (
    {"created_at": {"order": "desc", "unmapped_type": "date_nanos"}},
    {"id": {"order": "asc", "unmapped_type": "keyword"}},
)


class ElasticsearchAdminJobMethods(AdminJobRecordMethods):
    _client: SearchEngine
    names: IndexNames

    @property
    def _admin_jobs(self) -> EngineRecords[AdminJob]:
        return EngineRecords(self._client, ADMIN_JOB_RECORDS, index=self.names.admin_jobs)

    async def list_admin_jobs(self, *, statuses: tuple[str, ...], limit: int) -> list[AdminJob]:
        filters = [{"terms": {"status": list(dict.fromkeys(statuses))}}] if statuses else []
        search = RecordSearch(filters=filters, sort=_NEWEST_FIRST, size=min(limit, MAX_LISTED), refresh=True)
        return await self._admin_jobs.scan(search)
