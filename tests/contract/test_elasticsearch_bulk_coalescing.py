"""Group commit on the search engine (``bulk_coalescer``): concurrent writers share one ``_bulk``, each
gets its own outcome, a failed flush fails all its callers, and a lone caller goes out at once; and
concurrent realtime reads share one ``_mget`` (``realtime_reads``).

The store runs on ``BulkCountingEngine``, which forwards every call to the real node and only counts
the ``_bulk`` and ``_mget`` requests that pass through it.
"""

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, cast

import pytest

from app.domain.errors import StoreUnavailable, TaskNotFound, VersionConflict
from app.domain.history import TaskEventKind, task_event
from app.domain.task import Claimant, Task
from app.storage.elasticsearch import ElasticsearchTaskStore
from app.storage.elasticsearch.bulk import bulk_coalescer, send_bulk
from app.storage.elasticsearch.bulk_coalescer import BulkCoalescer
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.engine_connect import connect_engine
from tests.contract.conftest import T0, queued_task
from tests.support.elasticsearch import ForwardingEngine, elasticsearch_harness, engine_under_test

WRITERS = 12
CLOSED_PORT_URL = "http://127.0.0.1:9"
DEADLOCK_GUARD_SECONDS = 30.0


class BulkCountingEngine(ForwardingEngine):
    """The real engine, with a count of the ``_bulk`` requests sent and the actions each carried."""

    def __init__(self, inner: SearchEngine) -> None:
        super().__init__(inner)
        self.bulk_lines: list[int] = []
        self.mget_docs: list[int] = []

    async def bulk(self, **params: Any) -> dict[str, Any]:
        self.bulk_lines.append(bytes(params["operations"]).count(b"\n"))
        return await self._inner.bulk(**params)

    async def mget(self, **params: Any) -> dict[str, Any]:
        self.mget_docs.append(len(params["docs"]))
        return await self._inner.mget(**params)

    async def inner_close(self) -> None:
        await self._inner.close()


@dataclass
class CountedStore:
    store: ElasticsearchTaskStore
    engine: BulkCountingEngine

    @property
    def bulks(self) -> int:
        return len(self.engine.bulk_lines)

    @property
    def client(self) -> SearchEngine:
        return cast(SearchEngine, self.engine)


@pytest.fixture
async def counted() -> AsyncIterator[CountedStore]:
    async with elasticsearch_harness() as harness:
        engine = BulkCountingEngine(harness.client)
        store = ElasticsearchTaskStore(
            cast(SearchEngine, engine),
            index_prefix=harness.index_prefix,
            ilm_enabled=harness.engine.lifecycle,
        )
        # Built before the store's first write, so the store shares it, as stores on one client do.
        bulk_coalescer(cast(SearchEngine, engine))
        yield CountedStore(store, engine)


async def _created(counted: CountedStore, count: int) -> list[Task]:
    results = await counted.store.create_tasks([queued_task(f"t{n}") for n in range(count)])
    return [task for task in results if isinstance(task, Task)]


def _claimed(task: Task, worker: str) -> Task:
    return task.claim(worker_id=worker, at=T0, lease_token=f"lease-{worker}")


async def test_concurrent_creates_go_out_as_one_bulk_and_each_caller_gets_its_task(
    counted: CountedStore,
) -> None:
    results = await asyncio.gather(
        *(counted.store.create_tasks([queued_task(f"t{n}")]) for n in range(WRITERS))
    )

    assert counted.bulks == 1
    assert [[task.id for task in result if isinstance(task, Task)] for result in results] == [
        [f"t{n}"] for n in range(WRITERS)
    ]
    stored = await counted.store.get_tasks([("q", f"t{n}") for n in range(WRITERS)])
    assert stored == [result[0] for result in results]


async def test_one_losing_compare_and_swap_among_winners_is_told_to_its_caller_only(
    counted: CountedStore,
) -> None:
    tasks = await _created(counted, WRITERS)
    before = counted.bulks
    contested = tasks[0]

    outcomes = await asyncio.gather(
        *(counted.store.update_task(task, _claimed(task, "winner")) for task in tasks),
        counted.store.update_task(contested, _claimed(contested, "loser")),
        return_exceptions=True,
    )

    assert counted.bulks - before == 1
    *winners, loser = outcomes
    assert all(isinstance(task, Task) and task.last_claimed is not None for task in winners)
    assert isinstance(loser, VersionConflict)
    current = await counted.store.get_task("q", contested.id)
    assert current.last_claimed is not None
    assert current.last_claimed.worker_id == "winner"


async def test_a_flush_the_engine_refuses_fails_every_caller_and_writes_nothing(
    counted: CountedStore,
) -> None:
    # An action the engine cannot parse fails the whole request before any action of it runs.
    malformed = [{"frobnicate": {"_index": counted.store.names.queue("q"), "_id": "x"}}, {}]
    outcomes = await asyncio.gather(
        *(counted.store.create_tasks([queued_task(f"t{n}")]) for n in range(3)),
        send_bulk(counted.client, malformed, action="malformed"),
        return_exceptions=True,
    )

    assert counted.bulks == 1
    assert all(isinstance(outcome, StoreUnavailable) for outcome in outcomes)
    assert "create tasks" in str(outcomes[0])
    assert "malformed" in str(outcomes[-1])
    for n in range(3):
        with pytest.raises(TaskNotFound):
            await counted.store.get_task("q", f"t{n}")


async def test_an_unreachable_engine_fails_every_caller_of_the_flush() -> None:
    engine = BulkCountingEngine(
        connect_engine((await engine_under_test()).engine, [CLOSED_PORT_URL], request_timeout=5.0)
    )
    unreachable = cast(SearchEngine, engine)
    try:
        outcomes = await asyncio.gather(
            *(
                send_bulk(unreachable, [{"delete": {"_index": "i", "_id": str(n)}}], action=f"delete {n}")
                for n in range(3)
            ),
            return_exceptions=True,
        )
    finally:
        await engine.inner_close()

    assert len(engine.bulk_lines) == 1
    assert [type(outcome) for outcome in outcomes] == [StoreUnavailable] * 3
    assert [f"delete {n}" in str(outcome) for n, outcome in enumerate(outcomes)] == [True] * 3


async def test_a_lone_caller_is_sent_on_the_next_turn_of_the_loop_without_a_timer(
    counted: CountedStore,
) -> None:
    (task,) = await _created(counted, 1)
    before = counted.bulks

    write = asyncio.create_task(counted.store.update_task(task, _claimed(task, "w")))
    # Two turns of the event loop: one queues the write, the next sends it. No clock is involved.
    for _ in range(2):
        await asyncio.sleep(0)

    assert counted.bulks == before + 1
    assert not write.done()
    assert (await write).last_claimed is not None
    assert counted.bulks == before + 1


def creates(index: str, *ids: str) -> list[dict[str, Any]]:
    """Bulk lines creating one small document per id in ``index``."""
    return [line for id_ in ids for line in ({"create": {"_index": index, "_id": id_}}, {"id": id_})]


async def test_flushes_are_bounded_in_actions_but_never_split_a_caller(counted: CountedStore) -> None:
    coalescer = BulkCoalescer(counted.client, filter_path=["items.*.status"], max_actions=2)
    index = counted.store.names.queue("q")

    results = await asyncio.gather(
        coalescer.send(creates(index, "a", "b", "c"), action="three"),
        *(coalescer.send(creates(index, f"single{n}"), action="one") for n in range(3)),
    )

    # The three actions go alone (over the bound, not split); then two singles, then the last one.
    assert counted.engine.bulk_lines == [6, 4, 2]
    assert [[item["create"]["status"] for item in items] for items in results] == [
        [201, 201, 201],
        [201],
        [201],
        [201],
    ]


async def test_a_changes_history_rides_the_next_flush_instead_of_a_round_trip_of_its_own(
    counted: CountedStore,
) -> None:
    done, other = await counted.store.update_tasks(
        [(task, _claimed(task, "w")) for task in await _created(counted, 2)]
    )
    assert isinstance(done, Task)
    assert isinstance(other, Task)
    before = len(counted.engine.bulk_lines)
    owner = Claimant(worker_id="w", lease_token="lease-w")

    change = await counted.store.change_task(
        "q",
        done.id,
        lambda task: task.mark_done(owner, at=T0, data=None),
        lambda task: [task_event(task, TaskEventKind.DONE, at=T0)],
    )
    sent_by_the_change = counted.engine.bulk_lines[before:]
    await counted.store.update_task(other, other.report_in(owner, at=T0, data={"pct": 1}))

    assert sent_by_the_change == [2]  # its compare-and-swap only
    assert counted.engine.bulk_lines[before:] == [2, 4]  # then its event beside the next write
    history = await counted.store.list_events("q", done.id, limit=10)
    assert [event.kind for event in history] == [TaskEventKind.DONE]
    assert change.events == history


async def test_concurrent_reads_share_one_mget_and_each_caller_gets_its_own_answer(
    counted: CountedStore,
) -> None:
    tasks = await _created(counted, 3)

    outcomes = await asyncio.gather(
        *(counted.store.get_task("q", task.id) for task in tasks),
        counted.store.get_task("q", "absent"),
        counted.store.get_task("never-written", "absent"),
        return_exceptions=True,
    )

    assert counted.engine.mget_docs == [5]
    assert outcomes[:3] == tasks
    assert [type(outcome) for outcome in outcomes[3:]] == [TaskNotFound, TaskNotFound]


class FirstBulkOnlyEngine(BulkCountingEngine):
    """Sends the first ``_bulk`` at once and holds every later one until ``release`` is set."""

    def __init__(self, inner: SearchEngine) -> None:
        super().__init__(inner)
        self.release = asyncio.Event()

    async def bulk(self, **params: Any) -> dict[str, Any]:
        if self.bulk_lines:
            await self.release.wait()
        return await super().bulk(**params)


async def test_drain_waits_for_what_was_queued_before_it_and_not_for_later_writes() -> None:
    async with elasticsearch_harness() as harness:
        engine = FirstBulkOnlyEngine(harness.client)
        coalescer = BulkCoalescer(cast(SearchEngine, engine), filter_path=["items.*.status"])
        index = harness.store.names.queue("q")

        first = coalescer.queue([{"create": {"_index": index, "_id": "a"}}, {"id": "a"}], action="a")
        drained = asyncio.create_task(coalescer.drain())
        await first
        later = coalescer.queue([{"create": {"_index": index, "_id": "b"}}, {"id": "b"}], action="b")
        # A drain that waited for ``later`` would never end: its bulk is held until the release.
        await asyncio.wait_for(drained, DEADLOCK_GUARD_SECONDS)

        assert not later.done()
        engine.release.set()
        assert (await later)[0]["create"]["status"] == 201


async def test_a_caller_that_brings_a_batch_goes_out_alone_at_once(counted: CountedStore) -> None:
    coalescer = BulkCoalescer(counted.client, filter_path=["items.*.status"], alone_from_actions=3)
    index = counted.store.names.queue("q")

    results = await asyncio.gather(
        coalescer.send(creates(index, "a", "b", "c"), action="batch"),
        *(coalescer.send(creates(index, f"single{n}"), action="one") for n in range(2)),
    )

    assert counted.engine.bulk_lines == [6, 4]  # the batch on its own, the two singles together
    assert [len(items) for items in results] == [3, 1, 1]
