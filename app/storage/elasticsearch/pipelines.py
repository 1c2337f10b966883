"""Pipelines: one document per pipeline id in ``{prefix}pipelines``.

``_source`` is ``app.storage.pipeline_documents``' shape, shared with SQLite. Single reads are realtime
GETs; creation is create-only and every change a full ``index`` under ``if_seq_no``/``if_primary_term``
(the documents are small next to the tasks they describe), sent without client retries (see ``bulk``).

``list_pipelines`` is the leader's scan for running pipelines. It does not refresh: a pipeline created
less than a refresh interval ago is picked up by a later pass (its first tasks were created with it),
and a hit's version may be stale, in which case the advancer's compare-and-swap conflicts and the next
pass re-reads. Pages are ordered by ``id`` and continue with ``search_after``.
"""

import dataclasses
from typing import Any

from app.domain.errors import PipelineAlreadyExists, PipelineNotFound, VersionConflict
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import EngineConflict, EngineNotFound, SearchEngine
from app.storage.elasticsearch.errors import document_missing, translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.writes import response_version
from app.storage.pipeline_documents import pipeline_from_document, pipeline_to_document
from app.storage.port import Pipeline

_LENIENT: dict[str, Any] = {"ignore_unavailable": True, "allow_no_indices": True}


def _from_hit(hit: dict[str, Any]) -> Pipeline:
    return pipeline_from_document(hit["_source"], response_version(hit))


class ElasticsearchPipelineMethods:
    _client: SearchEngine
    names: IndexNames

    async def create_pipeline(self, pipeline: Pipeline) -> Pipeline:
        with translated_errors("create pipeline"):
            try:
                response = await self._client.create(
                    index=self.names.pipelines, id=pipeline.id, document=pipeline_to_document(pipeline)
                )
            except EngineConflict:
                raise PipelineAlreadyExists(pipeline.id) from None
        return dataclasses.replace(pipeline, version=response_version(response))

    async def get_pipeline(self, pipeline_id: str) -> Pipeline:
        with translated_errors("get pipeline"):
            try:
                response = await self._client.get(index=self.names.pipelines, id=pipeline_id, realtime=True)
            except EngineNotFound:
                raise PipelineNotFound(pipeline_id) from None
        return _from_hit(response)

    async def update_pipeline(self, previous: Pipeline, updated: Pipeline) -> Pipeline:
        expected = previous.version
        if expected is None:
            # Never read from the store, so there is no version to compare against.
            raise VersionConflict(previous.id)
        with translated_errors("update pipeline"):
            try:
                response = await self._client.index(
                    index=self.names.pipelines,
                    id=previous.id,
                    document=pipeline_to_document(updated),
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound) as error:
                if document_missing(error):
                    raise PipelineNotFound(previous.id) from None
                raise VersionConflict(previous.id) from None
        return dataclasses.replace(updated, version=response_version(response))

    async def list_pipelines(self, *, state: str | None, after_id: str | None, limit: int) -> list[Pipeline]:
        if limit <= 0:
            return []
        filters = [{"term": {"state": state}}] if state is not None else []
        body: dict[str, Any] = {
            "index": self.names.pipelines,
            **_LENIENT,
            "seq_no_primary_term": True,
            "track_total_hits": False,
            "size": min(limit, MAX_CANDIDATES),
            "query": {"bool": {"filter": filters}},
            "sort": [{"id": {"order": "asc", "unmapped_type": "keyword"}}],
        }
        if after_id is not None:
            body["search_after"] = [after_id]
        with translated_errors("list pipelines"):
            response = await self._client.search(**body)
        return [_from_hit(hit) for hit in response["hits"]["hits"]]
