"""Claims on a real search engine: what refresh-delayed visibility and index creation do to them.

A real node shows writes to search only after a refresh, so a claim's search keeps returning the tasks
this server (or another) has just taken. These tests pin down that a claim still never answers empty
while due, unclaimed tasks are visible to it, and that a queue whose index is still being created reads
as empty rather than as an outage.
"""

import asyncio
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any, cast

from app.domain.errors import StoreUnavailable
from app.domain.ids import new_lease_token
from app.domain.states import TaskState
from app.domain.task import Metadata, Task
from app.storage.elasticsearch import ElasticsearchTaskStore
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.elasticsearch.recent_writes import DEFAULT_HIDE_SECONDS, RecentWrites
from app.storage.port import ClaimRequest
from tests.support.elasticsearch import ElasticsearchHarness, elasticsearch_harness

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def due_task(task_id: str, *, queue: str = "work") -> Task:
    return Task(
        id=task_id,
        queue=queue,
        retry_times=1,
        attempted=0,
        kind="k",
        priority=0,
        state=TaskState.QUEUED,
        processing_timeout=timedelta(minutes=5),
        run_at=NOW,
        last_enqueued_at=NOW,
        metadata=Metadata(created_at=NOW, modified_at=NOW),
    )


def claim_by(worker: str) -> Callable[[Task], Task]:
    return lambda task: task.claim(worker_id=worker, at=NOW, lease_token=new_lease_token())


async def seed(harness: ElasticsearchHarness, count: int, *, queue: str = "work") -> None:
    for start in range(0, count, 1_000):
        tasks = [due_task(f"t{number:05}", queue=queue) for number in range(start, min(count, start + 1_000))]
        results = await harness.store.create_tasks(tasks)
        assert all(isinstance(result, Task) for result in results)
    await harness.make_searchable()


async def claim_every_task_once(
    harness: ElasticsearchHarness, stores: Sequence[ElasticsearchTaskStore], *, total: int, batch: int
) -> dict[str, int]:
    """The stores claim from "work" side by side until ``total`` tasks are claimed, none twice (asserted);
    answers which store (by position) claimed each task."""
    claimed: dict[str, int] = {}

    async def serve(number: int, store: ElasticsearchTaskStore) -> None:
        request = ClaimRequest(queues=("work",), amount=batch, at=NOW)
        while len(claimed) < total:
            outcome = await store.claim_tasks(request, claim_by(f"server-{number}"))
            for task in outcome.claimed:
                assert task.id not in claimed, f"{task.id} claimed twice"
                claimed[task.id] = number
            if not outcome.claimed and len(claimed) < total:
                await harness.make_searchable()

    await asyncio.wait_for(asyncio.gather(*(serve(n, store) for n, store in enumerate(stores))), 120)
    return claimed


async def test_claims_of_one_move_past_the_tasks_this_server_just_took_before_the_refresh() -> None:
    async with elasticsearch_harness() as harness:
        await seed(harness, 500)
        # The engine's default, stated: for up to a second every search still shows the taken tasks as
        # queued, and with an over-fetch of 5 the next claims' hits are all tasks this server just took.
        await harness.rest(
            "PUT", f"/{harness.store.names.queue('work')}/_settings", {"refresh_interval": "1s"}
        )
        request = ClaimRequest(queues=("work",), amount=1, at=NOW)

        answers = [await harness.store.claim_tasks(request, claim_by("w1")) for _ in range(500)]

        assert all(len(answer.claimed) == 1 for answer in answers)
        assert len({answer.claimed[0].id for answer in answers}) == 500
        assert sum(answer.conflicts for answer in answers) == 0  # known-taken hits cost no write
        assert (await harness.store.claim_tasks(request, claim_by("w1"))).claimed == []


async def test_a_claim_before_a_late_refresh_moves_past_tasks_it_took_longer_ago_than_searches_hide() -> None:
    async with elasticsearch_harness() as harness:
        await seed(harness, 20)
        # No refresh from here on: the search keeps showing the first claim's tasks as queued.
        await harness.rest(
            "PUT", f"/{harness.store.names.queue('work')}/_settings", {"refresh_interval": "-1"}
        )
        store = harness.sibling_store(claim_search_multiplier=1)
        now = [0.0]
        store._recent_writes = RecentWrites(monotonic=lambda: now[0])
        request = ClaimRequest(queues=("work",), amount=5, at=NOW)
        first = await store.claim_tasks(request, claim_by("w"))
        # Past the writes a search leaves out, within those the store remembers: with an over-fetch of
        # one, the next search's hits are exactly the five it took.
        now[0] = DEFAULT_HIDE_SECONDS + 1

        second = await store.claim_tasks(request, claim_by("w"))

        assert len(first.claimed) == len(second.claimed) == 5
        assert not {task.id for task in first.claimed} & {task.id for task in second.claimed}
        assert second.conflicts == 0  # the stale hits were dropped, not written


async def test_four_servers_claim_ten_thousand_tasks_without_an_empty_answer_while_tasks_remain() -> None:
    total, servers, batch = 10_000, 4, 10
    async with elasticsearch_harness() as harness:
        await seed(harness, total)
        stores = [harness.sibling_store() for _ in range(servers)]
        claimed: dict[str, str] = {}
        empty_while_remaining = 0
        conflicts = 0

        async def serve(number: int, store: ElasticsearchTaskStore) -> None:
            nonlocal empty_while_remaining, conflicts
            request = ClaimRequest(queues=("work",), amount=batch, at=NOW)
            while len(claimed) < total:
                outcome = await store.claim_tasks(request, claim_by(f"server-{number}"))
                conflicts += outcome.conflicts
                for task in outcome.claimed:
                    assert task.id not in claimed, f"{task.id} claimed twice"
                    claimed[task.id] = f"server-{number}"
                # Other servers may hold at most one batch each in flight; past that, tasks are waiting.
                if not outcome.claimed and total - len(claimed) > servers * batch:
                    empty_while_remaining += 1
                if not outcome.claimed and len(claimed) < total:
                    await harness.make_searchable()  # only the last few tasks: let the search catch up

        await asyncio.gather(*(serve(number, store) for number, store in enumerate(stores)))

        assert len(claimed) == total
        assert empty_while_remaining == 0
        assert len(set(claimed.values())) == servers


async def test_claimers_polling_queues_whose_indices_are_being_created_never_see_an_outage() -> None:
    queues = tuple(f"new-{number}" for number in range(12))
    async with elasticsearch_harness() as harness:
        outages: list[StoreUnavailable] = []
        taken: set[str] = set()
        created = asyncio.Event()

        async def claimer(worker: str) -> None:
            request = ClaimRequest(queues=queues, amount=5, at=NOW)
            while not created.is_set() or len(taken) < len(queues):
                try:
                    outcome = await harness.sibling_store().claim_tasks(request, claim_by(worker))
                except StoreUnavailable as error:
                    outages.append(error)
                    continue
                taken.update(task.queue for task in outcome.claimed)
                if created.is_set() and len(taken) < len(queues):
                    await harness.make_searchable()

        async def creator() -> None:
            for queue in queues:
                (result,) = await harness.store.create_tasks([due_task("first", queue=queue)])
                assert isinstance(result, Task)
            created.set()

        await asyncio.wait_for(asyncio.gather(creator(), *(claimer(f"w{n}") for n in range(4))), timeout=120)

        assert outages == []
        assert taken == set(queues)


class CountingEngine:
    """The real client, forwarding every call, counting the conditional-write bulks (and the lines they
    carried) and searches."""

    def __init__(self, inner: SearchEngine) -> None:
        self._inner = inner
        self.calls: Counter[str] = Counter()
        self.bulk_lines = 0

    def __getattr__(self, name: str) -> Any:
        forwarded = getattr(self._inner, name)
        if name not in ("search", "bulk", "mget"):
            return forwarded

        async def counted(**params: Any) -> Any:
            self.calls[name] += 1
            if name == "bulk":  # an NDJSON body: the bulk coalescer encodes every caller's lines
                self.bulk_lines += bytes(params["operations"]).count(b"\n")
            return await forwarded(**params)

        return counted


async def test_concurrent_claims_on_one_server_never_race_each_other_for_the_same_hits() -> None:
    claimers, amount = 8, 25
    async with elasticsearch_harness() as harness:
        await seed(harness, claimers * amount * 2)
        engine = CountingEngine(harness.client)
        store = ElasticsearchTaskStore(
            cast(SearchEngine, engine),
            index_prefix=harness.index_prefix,
            ilm_enabled=harness.engine.lifecycle,
        )
        request = ClaimRequest(queues=("work",), amount=amount, at=NOW)

        # All eight search before any writes: they see the same best hits, as concurrent requests do.
        outcomes = await asyncio.gather(
            *(store.claim_tasks(request, claim_by(f"w{number}")) for number in range(claimers))
        )

        claimed = [task.id for outcome in outcomes for task in outcome.claimed]
        assert all(len(outcome.claimed) == amount for outcome in outcomes)
        assert len(set(claimed)) == claimers * amount
        assert sum(outcome.conflicts for outcome in outcomes) == 0
        # One conditional write (update + script line) per claimed task, however the bulk coalescer
        # grouped them: nobody lost a window to a neighbour and topped up.
        assert engine.bulk_lines == 2 * claimers * amount
        assert engine.calls["bulk"] <= claimers


async def test_two_contended_servers_with_concurrent_claims_each_claim_everything_once() -> None:
    total, batch = 2_000, 50
    async with elasticsearch_harness() as harness:
        await seed(harness, total)
        stores = [harness.sibling_store(random=Random(seed)) for seed in (1, 2)]
        for store in stores:
            store._recent_writes.lost(due_task("elsewhere"))  # another server won a write: contended

        claimed = await claim_every_task_once(harness, stores, total=total, batch=batch)

        assert len(claimed) == total
        assert set(claimed.values()) == {0, 1}


class MgetRecordingEngine(CountingEngine):
    """Also records how many documents each realtime multi-get read."""

    def __init__(self, inner: SearchEngine) -> None:
        super().__init__(inner)
        self.mget_sizes: list[int] = []

    def __getattr__(self, name: str) -> Any:
        if name != "mget":
            return super().__getattr__(name)
        forwarded = getattr(self._inner, name)

        async def recorded(**params: Any) -> Any:
            self.mget_sizes.append(len(params["docs"]))
            return await forwarded(**params)

        return recorded


async def test_a_contended_claim_reads_only_the_windows_it_writes_and_skips_what_another_server_took() -> (
    None
):
    async with elasticsearch_harness() as harness:
        await seed(harness, 1_000)
        other = harness.sibling_store()
        taken = await other.claim_tasks(ClaimRequest(queues=("work",), amount=20, at=NOW), claim_by("other"))
        engine = MgetRecordingEngine(harness.client)
        store = ElasticsearchTaskStore(
            cast(SearchEngine, engine),
            index_prefix=harness.index_prefix,
            ilm_enabled=harness.engine.lifecycle,
        )
        store._recent_writes.lost(due_task("elsewhere"))  # another server won a write: contended

        # No refresh: the search still shows the other server's 20 as queued, ahead of the rest.
        outcome = await store.claim_tasks(ClaimRequest(queues=("work",), amount=20, at=NOW), claim_by("w"))

        assert len(outcome.claimed) == 20
        assert not {task.id for task in outcome.claimed} & {task.id for task in taken.claimed}
        assert outcome.conflicts == 0  # the stale hits were read, not written
        # Windows of 20, not the whole contended over-fetch (20 x 5 x 4 hits).
        assert engine.mget_sizes
        assert max(engine.mget_sizes) <= 20
        assert sum(engine.mget_sizes) < 20 * 5 * 4


async def test_a_store_that_sees_another_live_claimer_skips_what_it_took_before_losing_any_write() -> None:
    async with elasticsearch_harness() as harness:
        await seed(harness, 1_000)
        other = harness.sibling_store()
        taken = await other.claim_tasks(ClaimRequest(queues=("work",), amount=20, at=NOW), claim_by("other"))
        store = ElasticsearchTaskStore(
            harness.client, index_prefix=harness.index_prefix, ilm_enabled=harness.engine.lifecycle
        )
        # Only the heartbeats become searchable: the task search still shows the other server's 20 as
        # queued, ahead of the rest, and this store has lost no write yet.
        await harness.client.indices.refresh(index=store.names.flow_control)
        assert not store._recent_writes.contended()

        outcome = await store.claim_tasks(ClaimRequest(queues=("work",), amount=20, at=NOW), claim_by("w"))

        assert len(store._membership.live) == 2
        assert len(outcome.claimed) == 20
        assert not {task.id for task in outcome.claimed} & {task.id for task in taken.claimed}
        assert outcome.conflicts == 0  # the stale hits were read, not written
