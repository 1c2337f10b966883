"""The attempt history: append-only event documents behind the ``{prefix}events`` rollover alias.

Appends are one ``_bulk`` of ``index`` actions through the alias (``require_alias``, so a store that was
never set up fails instead of auto-creating a plain index under the alias's name), without a refresh:
they ride along with task writes in the client's coalesced flushes (``bulk_coalescer``).
``hand_over_events`` queues them for the next flush without waiting for it: the events of a task change
(``task_changes``) cost the request no round trip of their own. ``list_events`` first waits for what
this process handed over, so a process reads its own history; the store's ``close`` waits too. The ``_id`` is the event's ``event_id`` (past ES's 512-byte limit,
its SHA-256), so appending an event again overwrites its own document with the same content.
That holds within one backing index: a repeat that lands after a rollover is a second copy in the new
write index, which ``list_events`` drops (same ``_id``, adjacent in its order).

``list_events`` is a rare admin read that promises read-your-writes, so it refreshes the alias first
(only the write index has anything to refresh), then pages with ``search_after`` in the order
``at``, ``sequence``, ``event_id`` (as SQLite orders), so there is no 10,000-hit cap.

Retention: with ILM, the ``{prefix}events_policy`` policy rolls the write index over and deletes a
backing index ``events_retention`` after its rollover. Without ILM there is one backing index and
nothing deletes events yet.
"""

import asyncio
import functools
import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from app.domain.errors import StoreUnavailable
from app.domain.history import TaskEvent
from app.storage.documents import format_stored_time
from app.storage.elasticsearch.bulk import (
    BulkItem,
    bulk_coalescer,
    expect_items,
    items_from_response,
    send_bulk,
)
from app.storage.elasticsearch.claim import MAX_CANDIDATES
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.event_documents import event_from_document, event_to_document
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.setup import EventSettings

logger = logging.getLogger(__name__)

_APPEND = "append task events"

MAX_DOCUMENT_ID_BYTES = 512
_LENIENT: dict[str, Any] = {"ignore_unavailable": True, "allow_no_indices": True}
_ORDER = [
    {"at": {"order": "asc", "unmapped_type": "date_nanos"}},
    {"sequence": {"order": "asc", "unmapped_type": "long"}},
    {"event_id": {"order": "asc", "unmapped_type": "keyword"}},
]


def event_document_id(event_id: str) -> str:
    """``event_id`` itself when it fits ES's ``_id`` limit, else its SHA-256 in hex. Event ids always
    contain '/' and a hex digest never does, so a hashed id cannot equal a plain one."""
    if len(event_id.encode()) <= MAX_DOCUMENT_ID_BYTES:
        return event_id
    return hashlib.sha256(event_id.encode()).hexdigest()


def append_operations(event: TaskEvent, *, alias: str) -> list[dict[str, Any]]:
    action = {"_index": alias, "_id": event_document_id(event.event_id), "require_alias": True}
    return [{"index": action}, event_to_document(event)]


def history_search(names: IndexNames, queue: str, task_id: str, *, size: int) -> dict[str, Any]:
    return {
        "index": names.events_alias,
        **_LENIENT,
        "track_total_hits": False,
        "size": size,
        "query": {"bool": {"filter": [{"term": {"queue": queue}}, {"term": {"task_id": task_id}}]}},
        "sort": _ORDER,
    }


class ElasticsearchEventMethods:
    _client: SearchEngine
    names: IndexNames
    events: EventSettings

    async def prune_events(self, *, before: datetime, limit: int) -> int:
        if self.events.ilm_enabled or limit <= 0:
            return 0  # the events ILM policy deletes whole indices after the retention period
        with translated_errors("prune task events"):
            response = await self._client.delete_by_query(
                index=self.names.events_alias,
                **_LENIENT,
                query={"range": {"at": {"lt": format_stored_time(before)}}},
                max_docs=limit,
                conflicts="proceed",
                refresh=False,
            )
        return int(response.get("deleted", 0))

    async def append_events(self, events: Sequence[TaskEvent]) -> None:
        if not events:
            return
        items = await send_bulk(self._client, self._append_operations(events), action=_APPEND)
        _raise_failures(expect_items(items, len(events), action=_APPEND))

    def hand_over_events(self, events: Sequence[TaskEvent]) -> None:
        """Queue ``events`` for the next coalesced flush and return at once; a failure is logged, as a
        failed append of history always was (the change the events record is already stored)."""
        if not events:
            return
        sent = bulk_coalescer(self._client).queue(self._append_operations(events), action=_APPEND)
        sent.add_done_callback(functools.partial(_log_failed_hand_over, len(events)))

    def _append_operations(self, events: Sequence[TaskEvent]) -> list[dict[str, Any]]:
        return [op for event in events for op in append_operations(event, alias=self.names.events_alias)]

    async def list_events(self, queue: str, task_id: str, *, limit: int) -> list[TaskEvent]:
        if limit <= 0:
            return []
        action = "list task events"
        await bulk_coalescer(self._client).drain()  # what this process handed over is written first
        with translated_errors(action):
            await self._client.indices.refresh(index=self.names.events_alias, **_LENIENT)
        events: list[TaskEvent] = []
        seen: set[str] = set()
        after: list[Any] | None = None
        while len(events) < limit:
            size = min(limit - len(events), MAX_CANDIDATES)
            search = history_search(self.names, queue, task_id, size=size)
            if after is not None:
                search["search_after"] = after
            with translated_errors(action):
                response = await self._client.search(**search)
            hits = response["hits"]["hits"]
            for hit in hits:
                if hit["_id"] in seen:
                    continue  # the copy a repeated append left on the other side of a rollover
                seen.add(hit["_id"])
                event = _event_from_hit(hit)
                if event is not None:
                    events.append(event)
            if len(hits) < size:
                break
            after = hits[-1]["sort"]
        return events[:limit]


def _raise_failures(items: Sequence[BulkItem]) -> None:
    failures = [item.reason for item in items if not item.succeeded]
    if failures:
        # The others are stored; appending them again on a retry is harmless.
        raise StoreUnavailable(f"{_APPEND}: {len(failures)} of {len(items)} failed, first: {failures[0]}")


def _log_failed_hand_over(count: int, sent: "asyncio.Future[list[dict[str, Any]]]") -> None:
    if sent.cancelled():
        return
    try:
        error = sent.exception()
        if error is None:
            _raise_failures(expect_items(items_from_response(sent.result()), count, action=_APPEND))
    except StoreUnavailable as failure:
        error = failure
    if error is not None:
        logger.warning("could not record %d history events: %s", count, error)


def _event_from_hit(hit: dict[str, Any]) -> TaskEvent | None:
    try:
        return event_from_document(hit["_source"])
    except (KeyError, TypeError, ValueError) as error:
        # One unreadable document must not hide the rest of a task's history.
        logger.warning("skipping unreadable task event %s/%s: %r", hit.get("_index"), hit.get("_id"), error)
        return None
