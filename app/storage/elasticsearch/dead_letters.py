"""Expiring DEAD tasks: which queues hold any, the live ones to delete, and archived copies to prune.

Nothing here refreshes. ``find_dead_tasks`` may return a task as it was before the last refresh (say,
dead, then retried by an admin); the caller deletes with ``delete_tasks``, conditional on the version
the hit carried, so such a stale hit conflicts and the retried task stays. A task that died since the
last refresh is found by a later pass. Archived copies never change (the archive is read-only), so
``prune_archived_dead`` is a ``_delete_by_query`` like ``prune_archive``.
"""

from datetime import datetime
from typing import Any

from app.domain.states import TaskState
from app.domain.task import Task
from app.storage.documents import format_stored_time
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.maintenance import tasks_from_hits
from app.storage.elasticsearch.stats import MAX_QUEUES

# Index names that may not exist yet (a queue never written to) make an empty result, not an error.
_LENIENT: dict[str, Any] = {"ignore_unavailable": True, "allow_no_indices": True}


def _dead_before(finished_before: datetime, *, queue: str | None = None) -> dict[str, Any]:
    filters: list[dict[str, Any]] = [
        {"term": {"state": TaskState.DEAD.value}},
        {"range": {"metadata.modified_at": {"lte": format_stored_time(finished_before)}}},
    ]
    if queue is not None:
        filters.append({"term": {"queue": queue}})
    return {"bool": {"filter": filters}}


class ElasticsearchDeadLetterMethods:
    _client: SearchEngine
    names: IndexNames

    async def dead_task_queues(self) -> list[str]:
        with translated_errors("find queues with dead tasks"):
            response = await self._client.search(
                index=f"{self.names.all_queues},{self.names.archive_alias}",
                **_LENIENT,
                size=0,
                query={"term": {"state": TaskState.DEAD.value}},
                aggs={"queues": {"terms": {"field": "queue", "size": MAX_QUEUES, "order": {"_key": "asc"}}}},
            )
        aggregations: dict[str, Any] = response.get("aggregations") or {}
        return [str(bucket["key"]) for bucket in aggregations.get("queues", {}).get("buckets", [])]

    async def find_dead_tasks(self, *, queue: str, finished_before: datetime, limit: int) -> list[Task]:
        if limit <= 0:
            return []
        with translated_errors("find dead tasks"):
            response = await self._client.search(
                index=self.names.queue(queue),
                **_LENIENT,
                seq_no_primary_term=True,
                track_total_hits=False,
                size=min(limit, MAX_CANDIDATES),
                query=_dead_before(finished_before),
                sort=[{"metadata.modified_at": {"order": "asc", "unmapped_type": "date"}}],
            )
        return tasks_from_hits(response["hits"]["hits"])

    async def prune_archived_dead(self, *, queue: str, finished_before: datetime, limit: int) -> int:
        if limit <= 0:
            return 0
        with translated_errors("prune archived dead tasks"):
            response = await self._client.delete_by_query(
                index=self.names.archive_alias,
                **_LENIENT,
                query=_dead_before(finished_before, queue=queue),
                max_docs=limit,
                conflicts="proceed",
                refresh=False,
            )
        return int(response.get("deleted", 0))
