"""Task listing: one search over the queue indices (and the archive alias when asked), newest first,
paged with ``search_after``; ``count_tasks`` is a ``_count`` over the same indices with the same query
(``listed_tasks``), so a count always matches what the listing would page through. Near-real-time:
writes show up after the next refresh, and nothing here forces one. Tombstones left by archiving never
match."""

from typing import Any

from elasticsearch import AsyncElasticsearch

from app.domain.task import Task, Version
from app.storage.documents import format_stored_time, task_from_document
from app.storage.elasticsearch.archive import TOMBSTONE_STATE, archived_task
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.port import TaskPage, TaskQuery
from app.storage.search_cursor import decode_cursor, encode_cursor

_SORT: list[dict[str, Any]] = [
    {"metadata.created_at": {"order": "desc", "unmapped_type": "date"}},
    {"queue": {"order": "asc", "unmapped_type": "keyword"}},
    {"id": {"order": "asc", "unmapped_type": "keyword"}},
]


def _filters(query: TaskQuery) -> list[dict[str, Any]]:
    filters: list[dict[str, Any]] = []
    for field, values in (
        ("queue", query.queues),
        ("state", tuple(state.value for state in query.states)),
        ("kind", query.kinds),
    ):
        if values:
            filters.append({"terms": {field: list(values)}})
    for field, value in (
        ("last_claimed.worker_id", query.worker_id),
        ("recurring_task_id", query.recurring_task_id),
    ):
        if value is not None:
            filters.append({"term": {field: value}})
    created: dict[str, str] = {}
    if query.created_after is not None:
        created["gte"] = format_stored_time(query.created_after)
    if query.created_before is not None:
        created["lt"] = format_stored_time(query.created_before)
    if created:
        filters.append({"range": {"metadata.created_at": created}})
    return filters


def listed_tasks(names: IndexNames, query: TaskQuery) -> dict[str, Any]:
    """``search``/``count`` keyword arguments naming the tasks ``query`` selects: the indices (the queue
    indices, plus the archive alias when asked; a queue never written to is simply empty) and the query."""
    indices = [names.all_queues, *([names.archive_alias] if query.include_archive else [])]
    return {
        "index": indices,
        "ignore_unavailable": True,
        "allow_no_indices": True,
        "query": {"bool": {"filter": _filters(query), "must_not": [{"term": {"state": TOMBSTONE_STATE}}]}},
    }


class ElasticsearchSearchMethods:
    _client: AsyncElasticsearch
    names: IndexNames

    async def count_tasks(self, query: TaskQuery) -> int:
        with translated_errors("count tasks"):
            response = await self._client.count(**listed_tasks(self.names, query))
        return int(response.body["count"])

    async def search_tasks(self, query: TaskQuery, *, limit: int, cursor: str | None) -> TaskPage:
        body: dict[str, Any] = {
            **listed_tasks(self.names, query),
            "seq_no_primary_term": True,
            "track_total_hits": False,
            "size": min(limit + 1, MAX_CANDIDATES),
            "sort": _SORT,
        }
        if cursor is not None:
            created_millis, queue, task_id = decode_cursor(cursor)
            body["search_after"] = [int(created_millis), queue, task_id]
        with translated_errors("search tasks"):
            response = await self._client.search(**body)
        hits = response.body["hits"]["hits"]
        tasks = [self._task_from_hit(hit) for hit in hits[:limit]]
        more = len(hits) > limit
        last = hits[limit - 1]["sort"] if more else None
        next_cursor = encode_cursor((str(last[0]), str(last[1]), str(last[2]))) if last else None
        return TaskPage(tasks=tasks, next_cursor=next_cursor)

    def _task_from_hit(self, hit: dict[str, Any]) -> Task:
        version = Version(seq_num=hit["_seq_no"], primary_term=hit["_primary_term"])
        if hit["_index"].startswith(f"{self.names.archive_alias}-"):
            return archived_task(hit["_source"], version)
        return task_from_document(hit["_source"], version)
