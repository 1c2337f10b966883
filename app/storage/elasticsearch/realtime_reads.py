"""Concurrent realtime GETs by id on one client, sent together as one ``_mget``.

Every task change starts with a realtime GET of the task (``task_changes``), so under load each
``done`` or heartbeat would cost the engine a request of its own for its read, as its write did before
``bulk_coalescer``. Reads are batched the same way, by natural batching (``natural_batching``): a read goes out on the next
turn of the event loop when fewer than ``max_in_flight`` batches are running, and reads arriving while
they run leave together in the next one, up to ``max_docs``. A lone read never waits for a timer.

A ``_mget`` of one document answers what a GET does: ``found`` and ``_source`` with ``_seq_no`` and
``_primary_term``, realtime like the GET. A missing document and a missing index both read as absent
(the GET's 404); any other item error, or a request that fails as a whole, fails its callers with
``StoreUnavailable`` naming their own action.
"""

import asyncio
import weakref
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import StoreUnavailable
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import error_reason
from app.storage.elasticsearch.natural_batching import NaturalBatches, answer_for_all

MAX_DOCS = 500
MAX_IN_FLIGHT = 2
_ABSENT_INDEX = "index_not_found_exception"


@dataclass(eq=False)
class _Read:
    index: str
    doc_id: str
    action: str
    answer: asyncio.Future[dict[str, Any] | None] = field(repr=False)

    def fail(self, error: BaseException) -> None:
        if not self.answer.done():
            self.answer.set_exception(error)

    def settle(self, doc: dict[str, Any]) -> None:
        if self.answer.done():
            return
        error = doc.get("error")
        if error is None:
            self.answer.set_result(doc if doc.get("found") else None)
        elif isinstance(error, dict) and error.get("type") == _ABSENT_INDEX:
            self.answer.set_result(None)
        else:
            self.fail(StoreUnavailable(f"{self.action}: {error_reason(doc)}"))


class RealtimeReads:
    """One per client and event loop (``realtime_reads``), shared by every store on the client."""

    def __init__(
        self, client: SearchEngine, *, max_docs: int = MAX_DOCS, max_in_flight: int = MAX_IN_FLIGHT
    ) -> None:
        self._client = client
        self._max_docs = max_docs
        self._batches = NaturalBatches(
            take=self._take, send=self._send, max_in_flight=max_in_flight, name="tasques-realtime-reads"
        )
        self.loop = self._batches.loop

    async def get(self, index: str, doc_id: str, *, action: str) -> dict[str, Any] | None:
        """The document as a realtime GET returns it, or None when it or its index does not exist."""
        read = _Read(index, doc_id, action, self.loop.create_future())
        self._batches.add(read)
        return await read.answer

    def _take(self, queued: "deque[_Read]") -> list[_Read]:
        reads: list[_Read] = []
        while queued and len(reads) < self._max_docs:
            read = queued.popleft()
            if not read.answer.done():  # else its caller was cancelled while it waited
                reads.append(read)
        return reads

    async def _send(self, reads: list[_Read]) -> None:
        response = await answer_for_all(
            reads,
            lambda: self._client.mget(
                docs=[{"_index": read.index, "_id": read.doc_id} for read in reads], realtime=True
            ),
        )
        if response is None:
            return
        docs: list[dict[str, Any]] = response.get("docs", [])
        if len(docs) != len(reads):
            for read in reads:
                read.fail(
                    StoreUnavailable(f"{read.action}: asked for {len(reads)} documents, got {len(docs)}")
                )
            return
        for read, doc in zip(reads, docs, strict=True):
            read.settle(doc)


# Keyed by client, so every store on one client shares one batcher; weak, so it goes with its client.
_readers: "weakref.WeakKeyDictionary[SearchEngine, RealtimeReads]" = weakref.WeakKeyDictionary()


def realtime_reads(client: SearchEngine) -> RealtimeReads:
    """The read batcher of ``client`` on the running event loop (a new loop gets a new one)."""
    reader = _readers.get(client)
    if reader is None or reader.loop is not asyncio.get_running_loop():
        reader = _readers[client] = RealtimeReads(client)
    return reader
