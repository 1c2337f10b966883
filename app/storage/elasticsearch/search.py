"""Task listing: one search over the queue indices (and the archive alias when asked) in the query's
order, paged with ``search_after``; ``count_tasks`` is a ``_count`` over the same indices with the
same query (``listed_tasks``), so a count matches what the listing would page through (but for stale
archived copies, ``stale_copies``). Near-real-time: writes show up after the next refresh, and nothing
here forces one. Tombstones left by archiving never match; archive hits are checked against their live
documents (``stale_copies``), so a revived task never answers twice.

Sorts: ``metadata.created_at``, ``run_at`` (``date_nanos``), ``priority`` or ``metadata.modified_at``
(``finished``), then queue and id ascending; the cursor carries the hit's sort values. ``date`` fields
keep milliseconds, so tasks within one millisecond tie there (and go by queue, id) where SQLite still
tells microseconds apart. ``finished`` ranges also require a finished state (done, dead, cancelled),
as on SQLite.

Error text and free text: ``args`` and result data are not mapped (``enabled: false``), so the writer
derives two ``text`` fields, ``error_text`` (the failure data) and ``search_text`` (args and both
results, flattened to "key value" words, at most 32 KiB), and these match them with ``match_phrase``:
the query's words in order, case-insensitively, where SQLite matches a substring of the JSON text. Why
derived text rather than a ``flattened`` field or a dynamic mapping: ``search_text.py``."""

from typing import Any

from app.domain.errors import InvalidInput
from app.domain.queries import TaskPage, TaskQuery, TaskSort, TimeField
from app.domain.states import FINISHED_STATES
from app.domain.task import Task, Version
from app.storage.documents import format_stored_time, task_from_document
from app.storage.elasticsearch.archive import TOMBSTONE_STATE, archived_task
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.stale_copies import answering_hits
from app.storage.search_cursor import decode_cursor, encode_cursor

_SORT_FIELDS = {
    TaskSort.CREATED: ("metadata.created_at", "date"),
    TaskSort.RUN_AT: ("run_at", "date_nanos"),
    TaskSort.PRIORITY: ("priority", "long"),
    TaskSort.FINISHED: ("metadata.modified_at", "date"),
}
_TIME_FIELDS = {
    TimeField.CREATED: "metadata.created_at",
    TimeField.RUN_AT: "run_at",
    TimeField.CLAIMED: "last_claimed.claimed_at",
    TimeField.FINISHED: "metadata.modified_at",
}
_FINISHED = {"terms": {"state": sorted(state.value for state in FINISHED_STATES)}}


def _sort(query: TaskQuery) -> list[dict[str, Any]]:
    field, unmapped_type = _SORT_FIELDS[query.sort]
    return [
        {field: {"order": query.order.value, "unmapped_type": unmapped_type}},
        {"queue": {"order": "asc", "unmapped_type": "keyword"}},
        {"id": {"order": "asc", "unmapped_type": "keyword"}},
    ]


def _search_after(query: TaskQuery, cursor: str) -> list[Any]:
    value, queue, task_id = decode_cursor(cursor, ordering=query.ordering)
    try:
        # Every sort value here is a number (dates in ms or ns); cursors from before orderings held text.
        return [int(value), queue, task_id]
    except ValueError as error:
        raise InvalidInput("cursor is not one this server handed out") from error


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
    for found in query.time_ranges:
        bounds: dict[str, str] = {}
        if found.after is not None:
            bounds["gte"] = format_stored_time(found.after)
        if found.before is not None:
            bounds["lt"] = format_stored_time(found.before)
        filters.append({"range": {_TIME_FIELDS[found.field]: bounds}})
        if found.field is TimeField.FINISHED:
            filters.append(_FINISHED)
    for field, text in (("error_text", query.error_text), ("search_text", query.text)):
        if text is not None:
            filters.append({"match_phrase": {field: text}})
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
    _client: SearchEngine
    names: IndexNames

    async def count_tasks(self, query: TaskQuery) -> int:
        with translated_errors("count tasks"):
            response = await self._client.count(**listed_tasks(self.names, query))
        return int(response["count"])

    async def search_tasks(self, query: TaskQuery, *, limit: int, cursor: str | None) -> TaskPage:
        body: dict[str, Any] = {
            **listed_tasks(self.names, query),
            "seq_no_primary_term": True,
            "track_total_hits": False,
            "size": min(limit + 1, MAX_CANDIDATES),
            "sort": _sort(query),
        }
        if cursor is not None:
            body["search_after"] = _search_after(query, cursor)
        with translated_errors("search tasks"):
            response = await self._client.search(**body)
        hits = response["hits"]["hits"]
        page = hits[:limit]
        if query.include_archive:
            page = await answering_hits(self._client, self.names, page)
        tasks = [self._task_from_hit(hit) for hit in page]
        more = len(hits) > limit
        last = hits[limit - 1]["sort"] if more else None
        next_cursor = (
            encode_cursor(query.ordering, (int(last[0]), str(last[1]), str(last[2]))) if last else None
        )
        return TaskPage(tasks=tasks, next_cursor=next_cursor)

    def _task_from_hit(self, hit: dict[str, Any]) -> Task:
        version = Version(seq_num=hit["_seq_no"], primary_term=hit["_primary_term"])
        if self.names.is_archive_index(hit["_index"]):
            return archived_task(hit["_source"], version)
        return task_from_document(hit["_source"], version)
