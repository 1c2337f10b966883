"""Pipelines: one document per pipeline id in ``{prefix}pipelines`` (see ``records``).

``_source`` is ``app.storage.pipeline_documents``' shape, shared with SQLite.

``list_pipelines`` is the leader's scan for running pipelines. It does not refresh: a pipeline created
less than a refresh interval ago is picked up by a later pass (its first tasks were created with it),
and a hit's version may be stale, in which case the advancer's compare-and-swap conflicts and the next
pass re-reads. Pages are ordered by ``id`` and continue with ``search_after``.
"""

from app.domain.pipelines import Pipeline
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.records import EngineRecords, RecordSearch
from app.storage.pipeline_documents import PIPELINE_RECORDS
from app.storage.record_methods import PipelineRecordMethods


class ElasticsearchPipelineMethods(PipelineRecordMethods):
    _client: SearchEngine
    names: IndexNames

    @property
    def _pipelines(self) -> EngineRecords[Pipeline]:
        return EngineRecords(self._client, PIPELINE_RECORDS, index=self.names.pipelines)

    async def list_pipelines(self, *, state: str | None, after_id: str | None, limit: int) -> list[Pipeline]:
        search = RecordSearch(
            filters=[{"term": {"state": state}}] if state is not None else [],
            size=min(limit, MAX_CANDIDATES),
            search_after=[after_id] if after_id is not None else None,
        )
        return await self._pipelines.scan(search)
