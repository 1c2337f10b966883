"""Paused queues: one small document, ``paused`` in ``{prefix}queue_controls``, listing their names.

``{"paused": [sorted queue names]}``. Reads are one realtime GET (a missing document, or index, is the
empty set), so the next read on any server sees a pause, refresh or not (how often claims re-read is the
service's choice). A change reads the document and writes it back under compare-and-swap: create-only
while it is absent, otherwise an ``index`` with ``if_seq_no``/``if_primary_term``. Losing the race (409,
or the document vanishing in between) re-reads and tries again, up to ``MAX_ATTEMPTS`` times; pausing is a
rare admin action, so more contention than that means something is wrong and surfaces as
``VersionConflict``. Writes go out without client retries (see ``bulk``); a change that raised
``StoreUnavailable`` is safe to repeat, since it sets rather than toggles. A change that would leave the
set as it is writes nothing.
"""

from app.domain.errors import VersionConflict
from app.domain.task import Version
from app.storage.elasticsearch.engine import EngineConflict, EngineNotFound, SearchEngine
from app.storage.elasticsearch.errors import translated_errors
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.writes import response_version

PAUSED_DOCUMENT_ID = "paused"
MAX_ATTEMPTS = 20


class ElasticsearchQueueControlMethods:
    _client: SearchEngine
    names: IndexNames

    async def paused_queues(self) -> frozenset[str]:
        paused, _ = await self._read_paused()
        return paused

    async def set_queue_paused(self, queue: str, *, paused: bool) -> frozenset[str]:
        for _ in range(MAX_ATTEMPTS):
            current, version = await self._read_paused()
            wanted = current | {queue} if paused else current - {queue}
            if wanted == current:
                return current
            try:
                await self._write_paused(wanted, version)
            except VersionConflict:
                continue  # another change landed first: re-read and apply ours on top of it
            return wanted
        raise VersionConflict(PAUSED_DOCUMENT_ID)

    async def _read_paused(self) -> tuple[frozenset[str], Version | None]:
        """The paused set and the version it was read at; None when there is no document yet."""
        with translated_errors("read paused queues"):
            try:
                response = await self._client.get(
                    index=self.names.queue_controls, id=PAUSED_DOCUMENT_ID, realtime=True
                )
            except EngineNotFound:
                return frozenset(), None
        body = response
        return frozenset(body["_source"].get("paused") or ()), response_version(body)

    async def _write_paused(self, paused: frozenset[str], expected: Version | None) -> None:
        """Raises ``VersionConflict`` when the document changed, appeared or vanished since the read."""
        document = {"paused": sorted(paused)}
        client = self._client
        index = self.names.queue_controls
        with translated_errors("pause or resume queue"):
            try:
                if expected is None:
                    # A 404 here is an index missing where auto-creation is off: not a race, so it
                    # surfaces as StoreUnavailable instead of being retried.
                    await client.create(index=index, id=PAUSED_DOCUMENT_ID, document=document)
                    return
                await client.index(
                    index=index,
                    id=PAUSED_DOCUMENT_ID,
                    document=document,
                    if_seq_no=expected.seq_num,
                    if_primary_term=expected.primary_term,
                )
            except EngineConflict:
                raise VersionConflict(PAUSED_DOCUMENT_ID) from None
            except EngineNotFound:
                if expected is None:
                    raise
                raise VersionConflict(PAUSED_DOCUMENT_ID) from None  # the index went since the read
