"""One generic store for versioned record documents (recurring definitions, pipelines, push workers,
admin jobs), one small index per kind.

Single-document reads are realtime GETs; creation is create-only; every change is a full ``index`` (the
documents are small) or a delete under ``if_seq_no``/``if_primary_term``, sent without client retries
(see ``bulk``). A record's version is its document's ``_seq_no``/``_primary_term``.

Scans read one page of a search (``scan``) or every page through a scroll (``scan_all``). Neither
refreshes unless asked: a refresh costs a segment, which a kind accepts only for a list that promises
read-your-writes on a small, rarely written index.
"""

from collections.abc import Sequence
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from app.domain.errors import VersionConflict
from app.storage.elasticsearch.engine import (
    EngineConflict,
    EngineError,
    EngineNotFound,
    EngineUnreachable,
    SearchEngine,
)
from app.storage.elasticsearch.errors import document_missing, translated_errors
from app.storage.elasticsearch.writes import response_version
from app.storage.versioned_records import RecordKind

R = TypeVar("R")

SCROLL_KEEP_ALIVE = "1m"
_LENIENT: dict[str, Any] = {"ignore_unavailable": True, "allow_no_indices": True}


@dataclass(frozen=True, kw_only=True)
class RecordSearch:
    """One page of a scan: bool filters, a sort, a page size and where the last page ended."""

    filters: Sequence[dict[str, Any]] = ()
    sort: Sequence[dict[str, Any]] = ({"id": {"order": "asc", "unmapped_type": "keyword"}},)
    size: int
    search_after: Sequence[Any] | None = None
    refresh: bool = False


class EngineRecords(Generic[R]):
    def __init__(self, client: SearchEngine, kind: RecordKind[R], *, index: str) -> None:
        self._client = client
        self._kind = kind
        self._index = index

    def _from_hit(self, hit: dict[str, Any]) -> R:
        return self._kind.from_document(hit["_source"], response_version(hit), hit["_id"])

    async def create(self, record: R) -> R:
        record_id = self._kind.id_of(record)
        with translated_errors(f"create {self._kind.label}"):
            try:
                response = await self._client.create(
                    index=self._index, id=record_id, document=self._kind.to_document(record)
                )
            except EngineConflict:
                raise self._kind.already_exists(record_id) from None
        return self._kind.with_version(record, response_version(response))

    async def get(self, record_id: str) -> R:
        with translated_errors(f"get {self._kind.label}"):
            try:
                response = await self._client.get(index=self._index, id=record_id, realtime=True)
            except EngineNotFound:
                raise self._kind.not_found(record_id) from None
        return self._from_hit(response)

    async def compare_and_swap(self, previous: R, updated: R) -> R:
        expected = self._kind.expected_version(previous)
        record_id = self._kind.id_of(previous)
        with translated_errors(f"update {self._kind.label}"):
            try:
                response = await self._client.index(
                    index=self._index,
                    id=record_id,
                    document=self._kind.to_document(updated),
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound) as error:
                raise self._cas_failure(record_id, error) from None
        return self._kind.with_version(updated, response_version(response))

    async def delete(self, previous: R) -> None:
        expected = self._kind.expected_version(previous)
        record_id = self._kind.id_of(previous)
        with translated_errors(f"delete {self._kind.label}"):
            try:
                await self._client.delete(
                    index=self._index,
                    id=record_id,
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound) as error:
                raise self._cas_failure(record_id, error) from None

    def _cas_failure(self, record_id: str, error: EngineError) -> Exception:
        # Gone: deleted (409 "no document was found") or the whole index is missing (404).
        return (
            self._kind.missing_on_write(record_id) if document_missing(error) else VersionConflict(record_id)
        )

    async def scan(self, search: RecordSearch) -> list[R]:
        if search.size <= 0:
            return []
        body: dict[str, Any] = {
            "index": self._index,
            **_LENIENT,
            "seq_no_primary_term": True,
            "track_total_hits": False,
            "size": search.size,
            "query": {"bool": {"filter": list(search.filters)}},
            "sort": list(search.sort),
        }
        if search.search_after is not None:
            body["search_after"] = list(search.search_after)
        with translated_errors(f"list {self._kind.label}s"):
            if search.refresh:
                await self._client.indices.refresh(index=self._index, **_LENIENT)
            response = await self._client.search(**body)
        return [self._from_hit(hit) for hit in response["hits"]["hits"]]

    async def scan_all(self, *, page_size: int, refresh: bool) -> list[R]:
        """Every record, in index order, through a scroll (no 10,000-hit cap)."""
        context = f"list {self._kind.label}s"
        with translated_errors(context):
            if refresh:
                await self._client.indices.refresh(index=self._index, **_LENIENT)
            response = await self._client.search(
                index=self._index,
                **_LENIENT,
                scroll=SCROLL_KEEP_ALIVE,
                size=page_size,
                sort=["_doc"],
                seq_no_primary_term=True,
            )
        hits: list[dict[str, Any]] = []
        scroll_id = response.get("_scroll_id")
        try:
            page = response["hits"]["hits"]
            while page:
                hits += page
                if len(page) < page_size or scroll_id is None:
                    break
                with translated_errors(context):
                    response = await self._client.scroll(scroll_id=scroll_id, scroll=SCROLL_KEEP_ALIVE)
                scroll_id = response.get("_scroll_id", scroll_id)
                page = response["hits"]["hits"]
        finally:
            if scroll_id is not None:
                await self._clear_scroll(scroll_id)
        return [self._from_hit(hit) for hit in hits]

    async def _clear_scroll(self, scroll_id: str) -> None:
        # Best effort: an uncleared scroll only holds its resources until the keep-alive lapses.
        with suppress(EngineError, EngineUnreachable):
            await self._client.clear_scroll(scroll_id=scroll_id)
