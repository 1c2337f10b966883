"""Recurring definitions: one small document per id in ``{prefix}recurring_tasks``.

Single-document reads are realtime GETs; every change is a full ``index`` (the documents are small)
or a delete under ``if_seq_no``/``if_primary_term``, sent without client retries (see ``bulk``).
``list_recurring`` promises read-your-writes, so it refreshes this one small index first: a refresh
costs a segment, which is acceptable here (the leader's scheduler and the list endpoint, not a
per-task path) and nowhere else. It then reads every page through a scroll, so there is no 10,000-hit
cap, and sorts by id in memory; it returns everything anyway, and documents written by Go Tasques
carry their id only as ``_id``, so sorting on the ``id`` field would misplace them.
"""

from contextlib import suppress
from typing import Any

from app.domain.errors import RecurringTaskAlreadyExists, RecurringTaskNotFound, VersionConflict
from app.domain.recurring import RecurringTask
from app.storage.elasticsearch.engine import (
    EngineConflict,
    EngineError,
    EngineNotFound,
    EngineUnreachable,
    SearchEngine,
)
from app.storage.elasticsearch.errors import document_missing, translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.writes import response_version
from app.storage.recurring_documents import recurring_from_document, recurring_to_document

LIST_PAGE_SIZE = 1_000
SCROLL_KEEP_ALIVE = "1m"


def _with_version(recurring: RecurringTask, body: Any) -> RecurringTask:
    metadata = recurring.metadata.model_copy(update={"version": response_version(body)})
    return recurring.model_copy(update={"metadata": metadata})


def _from_hit(hit: dict[str, Any]) -> RecurringTask:
    return recurring_from_document(hit["_source"], response_version(hit), recurring_id=hit["_id"])


class ElasticsearchRecurringMethods:
    _client: SearchEngine
    names: IndexNames

    async def create_recurring(self, recurring: RecurringTask) -> RecurringTask:
        with translated_errors("create recurring task"):
            try:
                response = await self._client.create(
                    index=self.names.recurring_tasks,
                    id=recurring.id,
                    document=recurring_to_document(recurring),
                )
            except EngineConflict:
                raise RecurringTaskAlreadyExists(recurring.id) from None
        return _with_version(recurring, response)

    async def get_recurring(self, recurring_id: str) -> RecurringTask:
        with translated_errors("get recurring task"):
            try:
                response = await self._client.get(
                    index=self.names.recurring_tasks, id=recurring_id, realtime=True
                )
            except EngineNotFound:
                raise RecurringTaskNotFound(recurring_id) from None
        return _from_hit(response)

    async def update_recurring(self, previous: RecurringTask, updated: RecurringTask) -> RecurringTask:
        expected = previous.metadata.version
        if expected is None:
            # Never read from the store, so there is no version to compare against.
            raise VersionConflict(previous.id)
        with translated_errors("update recurring task"):
            try:
                response = await self._client.index(
                    index=self.names.recurring_tasks,
                    id=previous.id,
                    document=recurring_to_document(updated),
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound) as error:
                raise self._cas_failure(previous.id, error) from None
        return _with_version(updated, response)

    async def delete_recurring(self, previous: RecurringTask) -> None:
        expected = previous.metadata.version
        if expected is None:
            raise VersionConflict(previous.id)
        with translated_errors("delete recurring task"):
            try:
                await self._client.delete(
                    index=self.names.recurring_tasks,
                    id=previous.id,
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except (EngineConflict, EngineNotFound) as error:
                raise self._cas_failure(previous.id, error) from None

    @staticmethod
    def _cas_failure(recurring_id: str, error: EngineError) -> RecurringTaskNotFound | VersionConflict:
        if document_missing(error):
            return RecurringTaskNotFound(recurring_id)
        return VersionConflict(recurring_id)

    async def list_recurring(self) -> list[RecurringTask]:
        index = self.names.recurring_tasks
        with translated_errors("list recurring tasks"):
            await self._client.indices.refresh(index=index, ignore_unavailable=True, allow_no_indices=True)
            response = await self._client.search(
                index=index,
                ignore_unavailable=True,
                allow_no_indices=True,
                scroll=SCROLL_KEEP_ALIVE,
                size=LIST_PAGE_SIZE,
                sort=["_doc"],
                seq_no_primary_term=True,
            )
        hits: list[dict[str, Any]] = []
        scroll_id = response.get("_scroll_id")
        try:
            page = response["hits"]["hits"]
            while page:
                hits += page
                if len(page) < LIST_PAGE_SIZE or scroll_id is None:
                    break
                with translated_errors("list recurring tasks"):
                    response = await self._client.scroll(scroll_id=scroll_id, scroll=SCROLL_KEEP_ALIVE)
                scroll_id = response.get("_scroll_id", scroll_id)
                page = response["hits"]["hits"]
        finally:
            if scroll_id is not None:
                await self._clear_scroll(scroll_id)
        return sorted((_from_hit(hit) for hit in hits), key=lambda recurring: recurring.id)

    async def _clear_scroll(self, scroll_id: str) -> None:
        # Best effort: an uncleared scroll only holds its resources until the keep-alive lapses.
        with suppress(EngineError, EngineUnreachable):
            await self._client.clear_scroll(scroll_id=scroll_id)
