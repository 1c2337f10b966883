"""Recurring definitions: one small document per id in ``{prefix}recurring_tasks`` (see ``records``).

``list_recurring`` promises read-your-writes, so it refreshes this one small index first: a refresh
costs a segment, which is acceptable here (the leader's scheduler and the list endpoint, not a
per-task path) and nowhere else. It then reads every page through a scroll, so there is no 10,000-hit
cap, and sorts by id in memory; it returns everything anyway, and documents written by Go Tasques
carry their id only as ``_id``, so sorting on the ``id`` field would misplace them.
"""

from app.domain.recurring import RecurringTask
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.records import EngineRecords
from app.storage.record_methods import RecurringRecordMethods
from app.storage.recurring_documents import RECURRING_RECORDS

LIST_PAGE_SIZE = 1_000


class ElasticsearchRecurringMethods(RecurringRecordMethods):
    _client: SearchEngine
    names: IndexNames

    @property
    def _recurring(self) -> EngineRecords[RecurringTask]:
        return EngineRecords(self._client, RECURRING_RECORDS, index=self.names.recurring_tasks)

    async def list_recurring(self) -> list[RecurringTask]:
        listed = await self._recurring.scan_all(page_size=LIST_PAGE_SIZE, refresh=True)
        return sorted(listed, key=lambda recurring: recurring.id)
