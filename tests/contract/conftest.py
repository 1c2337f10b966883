"""One harness per backend; every test in this package runs against each of them.

``make_searchable`` exists because Elasticsearch shows writes to search only after a refresh; the
stores never force one, so tests that search right after writing ask for it explicitly.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from app.domain.states import TaskState
from app.domain.task import Metadata, Task
from app.storage.port import Store
from app.storage.sqlite import SqliteTaskStore
from tests.support.elasticsearch import elasticsearch_harness

T0 = datetime(2026, 1, 1, tzinfo=UTC)


@dataclass
class StoreHarness:
    backend: str
    store: Store
    make_searchable: Callable[[], Awaitable[None]]
    sibling: Callable[[], Store]
    """Another store over the same data, as a second server process would have."""


async def _nothing_to_refresh() -> None:
    return None


@pytest.fixture(params=["sqlite", "elasticsearch"])
async def harness(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[StoreHarness]:
    async with AsyncExitStack() as stack:
        if request.param == "sqlite":
            path = tmp_path / "tasques.db"

            def sqlite_sibling() -> Store:
                sibling = SqliteTaskStore(path)
                stack.push_async_callback(sibling.close)
                return sibling

            store = sqlite_sibling()
            await store.setup()
            yield StoreHarness("sqlite", store, _nothing_to_refresh, sqlite_sibling)
        else:
            es = await stack.enter_async_context(elasticsearch_harness())
            yield StoreHarness("elasticsearch", es.store, es.make_searchable, es.sibling_store)


def queued_task(
    task_id: str,
    *,
    queue: str = "q",
    priority: int = 0,
    run_at: datetime = T0,
    retry_times: int = 2,
    args: dict[str, object] | None = None,
) -> Task:
    return Task(
        id=task_id,
        queue=queue,
        retry_times=retry_times,
        attempted=0,
        kind="k",
        state=TaskState.QUEUED,
        priority=priority,
        processing_timeout=timedelta(minutes=1),
        run_at=run_at,
        args=args,
        last_enqueued_at=run_at,
        metadata=Metadata(created_at=run_at, modified_at=run_at),
    )
