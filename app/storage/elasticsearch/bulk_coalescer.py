"""Group commit on the search engine: concurrent callers' bulk actions go out as one ``_bulk``.

Each request costs the engine a fixed amount (HTTP, parsing, a translog sync per shard touched, a
thread hand-off) whatever it carries, so N writers sending one document each pay N times what one
``_bulk`` of N documents costs. The coalescer gathers the actions callers hand it and sends them
together, then deals each caller its own items back.

Natural batching (``natural_batching``), no timer: a caller's actions are queued, and while fewer than
``max_in_flight`` flushes are running a flush starts on the next turn of the event loop and takes
everything queued (up to ``max_actions`` actions and ``max_bytes`` bytes). Callers arriving while flushes are in flight queue
up and leave together in the next one. So a lone caller goes out at once, and under load the batch
grows with the load. A caller's actions are never split: they stay contiguous and in order in one
flush (a caller bigger than the bounds goes alone), and one caller's later call starts only after its
earlier one answered, so its order holds across calls too. A caller that already brings a batch
(``ALONE_FROM_ACTIONS``) is not queued at all: it goes out at once, on its own.

Failures: a flush that gets no answer, or an error status for the whole request, fails every caller
in it with the ``StoreUnavailable`` that caller would have got alone (its own action named); so does
an answer whose item count does not match the actions sent. Item outcomes (a lost compare-and-swap, a
taken id, an unparsable document) stay per item and per caller. Flushes are sent without client
retries, for the reason ``bulk`` gives. A caller cancelled before a flush took its actions is dropped
unsent; once taken, they go out, as a cancelled lone request's might have.

Encoding: each caller's lines are encoded to NDJSON once, by orjson, when queued (that also sizes
them for ``max_bytes``); both clients send a bytes body as it is. Lines orjson refuses (integers
beyond 64 bits, a lone surrogate stored before those were refused) take the standard library's encoder
with ASCII escapes (``document_json``), since a lone surrogate has no UTF-8 form.
"""

import asyncio
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from app.domain.errors import StoreUnavailable
from app.storage import document_json
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.natural_batching import NaturalBatches, answer_for_all

MAX_ACTIONS = 1_000
MAX_BYTES = 8 * 1024 * 1024
"""Well inside the engines' 100 MB ``http.max_content_length`` and their advice of 5-15 MB bulks."""
MAX_IN_FLIGHT = 2
"""Two keeps the engine busy while the next batch gathers; more would only split batches."""
ALONE_FROM_ACTIONS = 32
"""A request this big already spreads the engine's per-request cost over its actions, so it goes out
at once on its own. Queued with others it would gain nothing and lose a lot: the engine runs one
``_bulk``'s actions on one shard one after the other, while separate requests run side by side (in
the bench, coalescing claim windows of 100 cut the two-server batch load from about 1,000 to 450
tasks/s)."""


def ndjson(operations: Sequence[dict[str, Any]]) -> bytes:
    """Bulk lines, each ending in a newline."""
    return b"\n".join(document_json.dumps(line) for line in operations) + b"\n"


def count_actions(operations: Sequence[dict[str, Any]]) -> int:
    """How many actions the lines hold: every action but ``delete`` is followed by a source line."""
    actions = 0
    position = 0
    while position < len(operations):
        (kind,) = operations[position]
        actions += 1
        position += 1 if kind == "delete" else 2
    return actions


@dataclass(eq=False)
class _Request:
    body: bytes
    actions: int
    action: str
    answer: asyncio.Future[list[dict[str, Any]]] = field(repr=False)

    def fail(self, error: BaseException) -> None:
        if not self.answer.done():
            self.answer.set_exception(error)


class BulkCoalescer:
    """One per client and event loop (``bulk.send_bulk`` keeps them), so every store on the client
    shares it."""

    def __init__(
        self,
        client: SearchEngine,
        *,
        filter_path: Sequence[str],
        max_actions: int = MAX_ACTIONS,
        max_bytes: int = MAX_BYTES,
        max_in_flight: int = MAX_IN_FLIGHT,
        alone_from_actions: int = ALONE_FROM_ACTIONS,
    ) -> None:
        if min(max_actions, max_bytes, max_in_flight, alone_from_actions) < 1:
            raise ValueError("bulk coalescer bounds must be at least 1")
        self._client = client
        self._filter_path = list(filter_path)
        self._max_actions = max_actions
        self._max_bytes = max_bytes
        self._alone_from_actions = alone_from_actions
        self._batches = NaturalBatches(
            take=self._take, send=self._flush, max_in_flight=max_in_flight, name="tasques-bulk-flush"
        )
        self.loop = self._batches.loop
        self._sending: set[_Request] = set()

    async def send(self, operations: Sequence[dict[str, Any]], *, action: str) -> list[dict[str, Any]]:
        """The response items for ``operations`` (action and source lines), in order."""
        return await self.queue(operations, action=action)

    def queue(
        self, operations: Sequence[dict[str, Any]], *, action: str
    ) -> asyncio.Future[list[dict[str, Any]]]:
        """Queue ``operations`` for the next flush; the future answers as ``send`` would. A caller
        that does not wait for it must retrieve its outcome (a done callback), as asyncio asks."""
        request = _Request(
            body=ndjson(operations),
            actions=count_actions(operations),
            action=action,
            answer=self.loop.create_future(),
        )
        if request.actions >= self._alone_from_actions:
            self._sending.add(request)  # at once, so a drain called before the send starts waits for it
            self._batches.send_alone(request, name="tasques-bulk-alone")
        else:
            self._batches.add(request)
        return request.answer

    async def drain(self) -> None:
        """Return once everything queued before this call has been answered; later arrivals are not
        waited for, so a steady stream of writes cannot hold the caller up."""
        outstanding = [request.answer for request in (*self._batches.queued, *self._sending)]
        if outstanding:
            await asyncio.wait(outstanding)

    def _take(self, queued: "deque[_Request]") -> list[_Request]:
        batch: list[_Request] = []
        actions = size = 0
        while queued:
            request = queued[0]
            if request.answer.done():  # its caller was cancelled while it waited
                queued.popleft()
                continue
            if batch and (
                actions + request.actions > self._max_actions or size + len(request.body) > self._max_bytes
            ):
                break
            batch.append(queued.popleft())
            actions += request.actions
            size += len(request.body)
        return batch

    async def _flush(self, batch: list[_Request]) -> None:
        self._sending.update(batch)
        try:
            await self._send(batch)
        finally:
            self._sending.difference_update(batch)

    async def _send(self, batch: list[_Request]) -> None:
        response = await answer_for_all(
            batch,
            lambda: self._client.bulk(
                operations=b"".join(request.body for request in batch), filter_path=self._filter_path
            ),
        )
        if response is None:
            return
        items: list[dict[str, Any]] = response.get("items", [])
        sent = sum(request.actions for request in batch)
        if len(items) != sent:
            for request in batch:
                request.fail(
                    StoreUnavailable(f"{request.action}: sent {sent} bulk actions, got {len(items)} results")
                )
            return
        start = 0
        for request in batch:
            if not request.answer.done():
                request.answer.set_result(items[start : start + request.actions])
            start += request.actions
