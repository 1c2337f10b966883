"""Search aggregations and queue throughput: terms, filter and date_histogram aggregations in one
``size=0`` search over the same indices and query as the listing (``listed_tasks``).

Terms are exact as long as no shard holds more than ``SHARD_SIZE`` distinct keys (each queue has its
own index, so for queues that is the number of queues); they ask for count desc, then key asc, which
is what SQLite answers. ``error_class`` is the keyword the document writer derives; documents without
it count under ``missing``. The minute histogram returns non-empty minutes only, and the series is
zero-filled here exactly as on SQLite.
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from app.domain.aggregations import (
    COUNTED_FINISHED_STATES,
    ERROR_CLASS_STATES,
    MISSING_ERROR_CLASS,
    AggregationName,
    AggregationRequest,
    MinuteBucket,
    MinuteWindow,
    QueueThroughput,
    TaskAggregations,
    TermsAggregation,
    TermsBucket,
    minute_series,
)
from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.storage.documents import format_stored_time
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.search import listed_tasks
from app.storage.elasticsearch.stats import MAX_QUEUES

SHARD_SIZE = 10_000
_ORDER = [{"_count": "desc"}, {"_key": "asc"}]
_STATES: dict[str, Any] = {"terms": {"field": "state", "size": len(TaskState)}}
_FINISHED = {"terms": {"state": [state.value for state in COUNTED_FINISHED_STATES]}}


def _terms(field: str, size: int, **extra: Any) -> dict[str, Any]:
    return {"field": field, "size": size, "shard_size": max(SHARD_SIZE, size), "order": _ORDER, **extra}


def aggregation_bodies(request: AggregationRequest) -> dict[str, Any]:
    size, window = request.terms_size, request.window
    bodies: dict[AggregationName, Any] = {
        AggregationName.QUEUE_STATE: {"terms": _terms("queue", size), "aggs": {"states": _STATES}},
        AggregationName.KIND: {"terms": _terms("kind", size)},
        AggregationName.ERROR_CLASS: {
            "filter": {"terms": {"state": [state.value for state in ERROR_CLASS_STATES]}},
            "aggs": {"classes": {"terms": _terms("error_class", size, missing=MISSING_ERROR_CLASS)}},
        },
        AggregationName.FINISHED_PER_MINUTE: {
            "filter": {"bool": {"filter": [_FINISHED, _modified_range(window)]}},
            "aggs": {
                "minutes": {
                    "date_histogram": {
                        "field": "metadata.modified_at",
                        "fixed_interval": "1m",
                        "min_doc_count": 1,
                    },
                    "aggs": {"states": _STATES},
                }
            },
        },
    }
    return {name.value: body for name, body in bodies.items() if name in request.names}


def _modified_range(window: MinuteWindow) -> dict[str, Any]:
    bounds = {"gte": format_stored_time(window.start), "lt": format_stored_time(window.end)}
    return {"range": {"metadata.modified_at": bounds}}


class ElasticsearchAggregationMethods:
    _client: SearchEngine
    names: IndexNames

    async def aggregate_tasks(self, query: TaskQuery, request: AggregationRequest) -> TaskAggregations:
        aggs = aggregation_bodies(request)
        if not aggs:
            return TaskAggregations()
        with translated_errors("aggregate tasks"):
            response = await self._client.search(
                **listed_tasks(self.names, query), size=0, track_total_hits=False, aggs=aggs
            )
        found: dict[str, Any] = response.get("aggregations") or {}
        queue_state = found.get(AggregationName.QUEUE_STATE.value)
        kind = found.get(AggregationName.KIND.value)
        errors = found.get(AggregationName.ERROR_CLASS.value)
        finished = found.get(AggregationName.FINISHED_PER_MINUTE.value)
        return TaskAggregations(
            queue_state=_terms_aggregation(queue_state, with_states=True) if queue_state else None,
            kind=_terms_aggregation(kind) if kind else None,
            error_class=_terms_aggregation(errors["classes"]) if errors else None,
            finished_per_minute=_minutes(request.window, finished) if finished else None,
        )

    async def finished_counts(self, *, since: Sequence[datetime]) -> list[QueueThroughput]:
        if not since:
            return []
        windows = {
            f"since_{index}": {
                "filter": {"range": {"metadata.modified_at": {"gte": format_stored_time(cut_off)}}},
                "aggs": {"states": _STATES},
            }
            for index, cut_off in enumerate(since)
        }
        earliest = {"range": {"metadata.modified_at": {"gte": format_stored_time(min(since))}}}
        with translated_errors("finished counts"):
            response = await self._client.search(
                index=[self.names.all_queues, self.names.archive_alias],
                ignore_unavailable=True,
                allow_no_indices=True,
                size=0,
                track_total_hits=False,
                # The state filter also leaves out the tombstones archiving leaves behind.
                query={"bool": {"filter": [_FINISHED, earliest]}},
                aggs={"queues": {"terms": {"field": "queue", "size": MAX_QUEUES}, "aggs": windows}},
            )
        found: dict[str, Any] = response.get("aggregations") or {}
        return [
            QueueThroughput(bucket["key"], cut_off, _state_counts(bucket[f"since_{index}"]))
            for bucket in found.get("queues", {}).get("buckets", [])
            for index, cut_off in enumerate(since)
        ]


def _state_counts(parent: dict[str, Any]) -> dict[TaskState, int]:
    return {TaskState(state["key"]): int(state["doc_count"]) for state in parent["states"]["buckets"]}


def _terms_aggregation(found: dict[str, Any], *, with_states: bool = False) -> TermsAggregation:
    buckets = [
        TermsBucket(
            str(bucket["key"]), int(bucket["doc_count"]), _state_counts(bucket) if with_states else {}
        )
        for bucket in found.get("buckets", [])
    ]
    return TermsAggregation(buckets, int(found.get("sum_other_doc_count", 0)))


def _minutes(window: MinuteWindow, found: dict[str, Any]) -> list[MinuteBucket]:
    counted = {
        datetime.fromtimestamp(int(bucket["key"]) / 1000, tz=UTC): _state_counts(bucket)
        for bucket in found["minutes"]["buckets"]
        if bucket["doc_count"]
    }
    return minute_series(window, counted)
