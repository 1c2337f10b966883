"""Per-queue counts for metrics and the queues overview: one aggregation over the queue indices."""

from typing import Any

from app.domain.queries import QueueStats
from app.domain.states import TaskState
from app.storage.documents import parse_stored_time
from app.storage.elasticsearch.archive import TOMBSTONE_STATE
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames

# Queues beyond this many are left out of one stats answer; a terms aggregation needs a bound.
MAX_QUEUES = 10_000


class ElasticsearchStatsMethods:
    _client: SearchEngine
    names: IndexNames

    async def queue_stats(self) -> list[QueueStats]:
        with translated_errors("queue stats"):
            response = await self._client.search(
                index=self.names.all_queues,
                ignore_unavailable=True,
                allow_no_indices=True,
                size=0,
                query={"bool": {"must_not": [{"term": {"state": TOMBSTONE_STATE}}]}},
                aggs={
                    "queues": {
                        "terms": {"field": "queue", "size": MAX_QUEUES, "order": {"_key": "asc"}},
                        "aggs": {
                            "states": {"terms": {"field": "state", "size": len(TaskState)}},
                            "queued": {
                                "filter": {"term": {"state": TaskState.QUEUED.value}},
                                "aggs": {"oldest": {"min": {"field": "run_at"}}},
                            },
                        },
                    }
                },
            )
        aggregations: dict[str, Any] = response.get("aggregations") or {}
        buckets = aggregations.get("queues", {}).get("buckets", [])
        return [_queue_stats(bucket) for bucket in buckets]


def _queue_stats(bucket: dict[str, Any]) -> QueueStats:
    counts = {TaskState(state["key"]): int(state["doc_count"]) for state in bucket["states"]["buckets"]}
    oldest = bucket["queued"]["oldest"]
    head = parse_stored_time(oldest["value_as_string"]) if oldest.get("value_as_string") else None
    return QueueStats(queue=bucket["key"], counts=counts, oldest_queued_run_at=head)
