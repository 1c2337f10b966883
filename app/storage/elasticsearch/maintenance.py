"""Queries for the leader-only services: timed-out claims, outstanding tasks, archive pruning.

These run on the leader at a few calls a minute, not per task. ``find_timed_out`` searches without a
refresh: a claim not yet visible is found on the next pass, and every reap is a CAS on the version
read, so a stale hit only loses. ``count_outstanding`` and ``find_outstanding`` do refresh, one queue
index: the scheduler decides on them whether to enqueue (or which earlier task to replace), and a
stale answer would enqueue a second task for a definition whose previous one is still running (Go
Tasques refreshed the wrong index: BUG 7.11). ``find_outstanding`` returns oldest first, by
``metadata.created_at`` then id, at most ``MAX_CANDIDATES``.
"""

import logging
from datetime import datetime
from typing import Any

from app.domain.states import TaskState
from app.domain.task import Task
from app.storage.documents import format_stored_time, task_from_document
from app.storage.elasticsearch.archive import TOMBSTONE_STATE
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.writes import response_version

logger = logging.getLogger(__name__)

OUTSTANDING_STATES = (TaskState.QUEUED, TaskState.FAILED, TaskState.CLAIMED)
# Index names that may not exist yet (a queue never written to) make an empty result, not an error.
_LENIENT: dict[str, Any] = {"ignore_unavailable": True, "allow_no_indices": True}


def _outstanding_query(recurring_task_id: str) -> dict[str, Any]:
    return {
        "bool": {
            "filter": [
                {"term": {"recurring_task_id": recurring_task_id}},
                {"terms": {"state": [state.value for state in OUTSTANDING_STATES]}},
            ]
        }
    }


def tasks_from_hits(hits: list[dict[str, Any]]) -> list[Task]:
    tasks = []
    for hit in hits:
        try:
            tasks.append(task_from_document(hit["_source"], response_version(hit)))
        except (KeyError, TypeError, ValueError) as error:
            # One unreadable document must not stop the reaper for every other task.
            logger.warning("skipping unreadable task %s/%s: %r", hit.get("_index"), hit.get("_id"), error)
    return tasks


class ElasticsearchMaintenanceMethods:
    _client: SearchEngine
    names: IndexNames

    async def find_timed_out(self, *, at: datetime, limit: int) -> list[Task]:
        if limit <= 0:
            return []
        with translated_errors("find timed-out tasks"):
            response = await self._client.search(
                index=self.names.all_queues,
                **_LENIENT,
                seq_no_primary_term=True,
                track_total_hits=False,
                size=min(limit, MAX_CANDIDATES),
                query={
                    "bool": {
                        "filter": [
                            {"term": {"state": TaskState.CLAIMED.value}},
                            {"range": {"last_claimed.times_out_at": {"lte": format_stored_time(at)}}},
                        ]
                    }
                },
                sort=[{"last_claimed.times_out_at": {"order": "asc", "unmapped_type": "date"}}],
            )
        return tasks_from_hits(response["hits"]["hits"])

    async def count_outstanding(self, *, queue: str, recurring_task_id: str) -> int:
        action = "count outstanding tasks"
        index = await self._refreshed_queue(queue, action=action)
        with translated_errors(action):
            response = await self._client.count(
                index=index, **_LENIENT, query=_outstanding_query(recurring_task_id)
            )
        return int(response["count"])

    async def find_outstanding(self, *, queue: str, recurring_task_id: str, limit: int) -> list[Task]:
        if limit <= 0:
            return []
        action = "find outstanding tasks"
        index = await self._refreshed_queue(queue, action=action)
        with translated_errors(action):
            response = await self._client.search(
                index=index,
                **_LENIENT,
                seq_no_primary_term=True,
                track_total_hits=False,
                size=min(limit, MAX_CANDIDATES),
                query=_outstanding_query(recurring_task_id),
                sort=[
                    {"metadata.created_at": {"order": "asc", "unmapped_type": "date"}},
                    {"id": {"order": "asc", "unmapped_type": "keyword"}},
                ],
            )
        return tasks_from_hits(response["hits"]["hits"])

    async def _refreshed_queue(self, queue: str, *, action: str) -> str:
        """The queue's index, refreshed so a search sees every write already made (see the docstring)."""
        index = self.names.queue(queue)
        with translated_errors(action):
            await self._client.indices.refresh(index=index, **_LENIENT)
        return index

    async def prune_archive(
        self, *, archived_before: datetime | None, dedup_before: datetime, limit: int
    ) -> int:
        """Tombstones older than ``dedup_before``, then (without ILM) copies older than ``archived_before``;
        at most ``limit`` of each, as the SQLite backend does."""
        if limit <= 0:
            return 0
        pruned = await self._delete_older(
            self.names.all_queues, before=dedup_before, limit=limit, state=TOMBSTONE_STATE
        )
        if archived_before is not None:
            pruned += await self._delete_older(self.names.archive_alias, before=archived_before, limit=limit)
        return pruned

    async def _delete_older(
        self, index: str, *, before: datetime, limit: int, state: str | None = None
    ) -> int:
        """``_delete_by_query`` on ``archived_at < before``. It deletes what its own snapshot saw, each
        delete conditional on the version seen (``conflicts=proceed`` skips what changed meanwhile),
        and it does not refresh."""
        query: list[dict[str, Any]] = [{"range": {"archived_at": {"lt": format_stored_time(before)}}}]
        if state is not None:
            query.append({"term": {"state": state}})
        with translated_errors("prune archive"):
            response = await self._client.delete_by_query(
                index=index,
                **_LENIENT,
                query={"bool": {"filter": query}},
                max_docs=limit,
                conflicts="proceed",
                refresh=False,
            )
        return int(response.get("deleted", 0))
