"""Reading an archived task on a real engine while another server revives it.

A read follows the live document's tombstone to the archived copy. A revival on another server replaces
the tombstone (its commit point) and then deletes the copy, so a read that saw the tombstone can find
the copy gone: the task is live again by then, and the read answers it rather than "not found".
"""

from typing import Any, cast

from app.clock import FrozenClock
from app.components import build_components
from app.config import Settings
from app.domain.states import TaskState
from app.domain.task import Task
from app.services.new_task import NewTask
from app.storage.elasticsearch import ElasticsearchTaskStore
from app.storage.elasticsearch.engine import SearchEngine
from tests.contract.conftest import T0, StoreHarness
from tests.contract.test_archived_retry import _archive, _dead
from tests.support.elasticsearch import elasticsearch_harness


class RevivingFirst:
    """The real client, except that before the first read of an archived copy another server revives
    that task, and the archive is refreshed so a search for older copies finds none either."""

    def __init__(self, inner: SearchEngine, revive: Any, archive_indices: str) -> None:
        self._inner = inner
        self._revive = revive
        self._archive_indices = archive_indices
        self.revived: Task | None = None

    def __getattr__(self, name: str) -> Any:
        forwarded = getattr(self._inner, name)
        if name != "get":
            return forwarded

        async def reviving_first(**params: Any) -> Any:
            if self.revived is None and params["index"].startswith(self._archive_indices.rstrip("*")):
                self.revived = await self._revive()
                await self._inner.indices.refresh(index=self._archive_indices)
            return await forwarded(**params)

        return reviving_first


async def test_a_read_that_saw_the_tombstone_answers_the_task_another_server_revived_meanwhile() -> None:
    async with elasticsearch_harness() as es:
        clock = FrozenClock(T0)
        harness = StoreHarness("elasticsearch", es.store, es.make_searchable, es.sibling_store)
        components = build_components(Settings(), clock=clock, store=es.store)
        await components.tasks.create_task(NewTask(queue="q", kind="k", id="dlq", retry_times=0))
        await _dead(components, harness, "dlq")
        assert await _archive(harness, clock) == 1
        archived = await es.store.get_task("q", "dlq")
        other_server = es.sibling_store()

        async def revive() -> Task:
            return await other_server.revive_task(archived, archived.retry(at=clock.now_utc()))

        engine = RevivingFirst(es.client, revive, es.store.names.archive_indices)
        reader = ElasticsearchTaskStore(
            cast(SearchEngine, engine), index_prefix=es.index_prefix, ilm_enabled=es.engine.lifecycle
        )

        read = await reader.get_task("q", "dlq")

        assert engine.revived is not None  # the revival did run between the two reads
        assert read == engine.revived
        assert read.state is TaskState.QUEUED
