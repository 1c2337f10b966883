"""Bulk writes and their per-item outcomes, sent through the client's ``BulkCoalescer``.

``send_bulk`` is the one way the package sends a ``_bulk``: concurrent callers on one client share
one request per flush (``bulk_coalescer``), and each still gets exactly its own items, or its own
``StoreUnavailable`` when the whole flush failed.

Bulk writes go out with client retries off. A retried write whose first attempt was applied comes back
409 (create) or as a version conflict (CAS), so a transparent retry would turn our own success into a
reported failure; the port's contract is instead to surface ``StoreUnavailable`` and let the caller
re-read. Reads keep the client's retries: they are safe to repeat.
"""

import asyncio
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.errors import StoreUnavailable
from app.domain.task import Version
from app.storage.elasticsearch.bulk_coalescer import BulkCoalescer
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.errors import NO_DOCUMENT, error_reason

_ITEM_FIELDS = ("status", "_index", "_seq_no", "_primary_term", "error.type", "error.reason")
_FILTER_PATH = ["errors", *(f"items.*.{field}" for field in _ITEM_FIELDS)]
# ES 8.8 renamed the first to the second; both mean "this document cannot be stored as it is".
_UNPARSABLE_DOCUMENT = frozenset({"mapper_parsing_exception", "document_parsing_exception"})
# Keyed by client, so every store on one client (a process's connection pool) shares one coalescer;
# weak, so a closed client's coalescer goes with it.
_coalescers: "weakref.WeakKeyDictionary[SearchEngine, BulkCoalescer]" = weakref.WeakKeyDictionary()


@dataclass(frozen=True, slots=True)
class BulkItem:
    status: int
    version: Version | None
    error: dict[str, Any] | None
    index: str | None = None
    """The concrete index the action landed in; differs from the one sent when that was an alias."""

    @property
    def succeeded(self) -> bool:
        return 200 <= self.status < 300 and self.version is not None

    @property
    def conflicted(self) -> bool:
        """A lost compare-and-swap, or a create that found the id taken."""
        return self.status == 409 and not self.missing

    @property
    def missing(self) -> bool:
        # A conditional ``index`` of a deleted document answers 409, not 404; only the reason tells.
        return self.status == 404 or (self.status == 409 and NO_DOCUMENT in self.reason)

    @property
    def unparsable(self) -> bool:
        """The mapping refused a value, e.g. a ``run_at`` outside ``date_nanos``' 1970-2262 range."""
        return self.status == 400 and (self.error or {}).get("type") in _UNPARSABLE_DOCUMENT

    @property
    def reason(self) -> str:
        return error_reason(self.error) if self.error else f"status {self.status}"


def _item_from_response(entry: dict[str, Any]) -> BulkItem:
    (outcome,) = entry.values()
    seq_no, primary_term = outcome.get("_seq_no"), outcome.get("_primary_term")
    version = None
    if seq_no is not None and primary_term is not None and seq_no >= 0:
        version = Version(seq_num=seq_no, primary_term=primary_term)
    return BulkItem(
        status=int(outcome["status"]),
        version=version,
        error=outcome.get("error"),
        index=outcome.get("_index"),
    )


async def send_bulk(
    client: SearchEngine, operations: Sequence[dict[str, Any]], *, action: str
) -> list[BulkItem]:
    """Send action/source lines; one ``BulkItem`` per action, in order. Never refreshes."""
    if not operations:
        return []
    return items_from_response(await bulk_coalescer(client).send(operations, action=action))


def items_from_response(entries: Sequence[dict[str, Any]]) -> list[BulkItem]:
    return [_item_from_response(entry) for entry in entries]


def bulk_coalescer(client: SearchEngine) -> BulkCoalescer:
    """The coalescer of ``client`` on the running event loop (a new loop gets a new one: futures and
    tasks belong to one loop)."""
    coalescer = _coalescers.get(client)
    if coalescer is None or coalescer.loop is not asyncio.get_running_loop():
        coalescer = _coalescers[client] = BulkCoalescer(client, filter_path=_FILTER_PATH)
    return coalescer


def expect_items(items: list[BulkItem], count: int, *, action: str) -> list[BulkItem]:
    """``items``, checked to answer every one of the ``count`` actions sent."""
    if len(items) != count:
        raise StoreUnavailable(f"{action}: sent {count} bulk actions, got {len(items)} results")
    return items
