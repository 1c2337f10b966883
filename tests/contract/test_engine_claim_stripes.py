"""Servers claiming from one cluster learn of each other and split the candidates into stripes.

On a real node: heartbeats are written with a refresh and searched, so a peer shows up at the next beat;
clocks are injected, so a peer that stops beating drops out without the test waiting for it.
"""

import asyncio
from datetime import timedelta
from typing import Any

from app.clock import FrozenClock
from app.storage.elasticsearch import ElasticsearchTaskStore
from app.storage.elasticsearch.claim_stripes import Stripe, stripe_of
from app.storage.elasticsearch.claimer_membership import (
    DEFAULT_INTERVAL,
    MISSED_BEATS,
    RECHECKS_PER_INTERVAL,
    ClaimerMembership,
)
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.port import ClaimRequest
from tests.contract.test_engine_claims import NOW, claim_by, claim_every_task_once, seed
from tests.support.elasticsearch import ElasticsearchHarness, ForwardingEngine, elasticsearch_harness

PAST_LIVENESS = DEFAULT_INTERVAL * MISSED_BEATS + timedelta(seconds=1)
RECHECK_DELAY = DEFAULT_INTERVAL / RECHECKS_PER_INTERVAL


def membership(harness: ElasticsearchHarness, clock: FrozenClock, claimer_id: str) -> ClaimerMembership:
    return ClaimerMembership(
        harness.client, harness.store.names.flow_control, clock=clock, claimer_id=claimer_id
    )


async def known_to_each_other(*members: ClaimerMembership) -> None:
    for member in members:
        await member.beat()
    for member in members:  # each beat is searchable at once, so a second round shows every member
        await member.beat()


async def two_live_claimers_over(harness: ElasticsearchHarness, *, tasks: int) -> list[ClaimerMembership]:
    """``tasks`` queued tasks, and claimers "a" and "b" that know each other (stripes 0 and 1 of 2)."""
    await seed(harness, tasks)
    clock = FrozenClock(NOW)
    members = [membership(harness, clock, "a"), membership(harness, clock, "b")]
    await known_to_each_other(*members)
    return members


def striped_store(harness: ElasticsearchHarness, member: ClaimerMembership) -> ElasticsearchTaskStore:
    store = harness.sibling_store()
    store._membership = member
    return store


async def test_two_claimers_see_each_other_and_one_that_stops_beating_drops_out() -> None:
    async with elasticsearch_harness() as harness:
        clock = FrozenClock(NOW)
        first, second = membership(harness, clock, "a"), membership(harness, clock, "b")

        await known_to_each_other(first, second)

        assert first.live == second.live == ("a", "b")
        assert (await first.stripe(), await second.stripe()) == (Stripe(0, 2), Stripe(1, 2))

        clock.advance(PAST_LIVENESS)  # only the first beats again
        await first.beat()

        assert list(first.live) == ["a"]


async def test_a_beat_is_seen_by_the_next_search_without_waiting_for_a_refresh() -> None:
    async with elasticsearch_harness() as harness:
        clock = FrozenClock(NOW)
        first, second = membership(harness, clock, "a"), membership(harness, clock, "b")

        await first.beat()
        await second.beat()

        assert second.live == ("a", "b")


async def test_servers_that_start_together_see_each_other_a_quarter_interval_later() -> None:
    async with elasticsearch_harness() as harness:
        clock = FrozenClock(NOW)
        first, second = membership(harness, clock, "a"), membership(harness, clock, "b")
        await first.beat()  # before "b" beat: alone, for now
        await second.beat()

        clock.advance(RECHECK_DELAY)

        assert (await first.stripe(), await second.stripe()) == (Stripe(0, 2), Stripe(1, 2))


async def test_claims_waiting_on_a_first_beat_use_its_view_not_a_lone_one() -> None:
    async with elasticsearch_harness() as harness:
        clock = FrozenClock(NOW)
        await membership(harness, clock, "a").beat()
        newcomer = membership(harness, clock, "b")

        stripes = await asyncio.gather(*(newcomer.stripe() for _ in range(3)))

        assert stripes == [Stripe(1, 2)] * 3


async def test_a_recheck_brings_a_settled_view_s_next_beat_forward_to_a_quarter_interval() -> None:
    async with elasticsearch_harness() as harness:
        clock = FrozenClock(NOW)
        settled = membership(harness, clock, "a")
        await settled.beat()
        clock.advance(RECHECK_DELAY)
        await settled.stripe()  # the second look: still alone, so the regular interval again
        await membership(harness, clock, "b").beat()

        clock.advance(RECHECK_DELAY)
        assert (await settled.stripe(), settled.live) == (Stripe(0, 1), ("a",))

        settled.recheck_soon()

        assert (await settled.stripe(), settled.live) == (Stripe(0, 2), ("a", "b"))


async def test_a_claim_that_loses_writes_to_an_unseen_server_rechecks_membership_soon() -> None:
    async with elasticsearch_harness() as harness:
        await seed(harness, 100)
        clock = FrozenClock(NOW)
        old_timer, newcomer = membership(harness, clock, "a"), membership(harness, clock, "b")
        await old_timer.beat()
        clock.advance(RECHECK_DELAY)
        await old_timer.stripe()  # its second look: alone still, so the regular interval again
        stores = [striped_store(harness, old_timer), striped_store(harness, newcomer)]
        request = ClaimRequest(queues=("work",), amount=100, at=NOW)
        taken_by_newcomer = await stores[1].claim_tasks(request, claim_by("newcomer"))
        assert newcomer.live == ("a", "b")
        assert old_timer.live == ("a",)

        # Before any refresh, the old timer's search still shows the tasks the newcomer took.
        outcome = await stores[0].claim_tasks(request, claim_by("old-timer"))
        clock.advance(RECHECK_DELAY)
        await stores[0].claim_tasks(request, claim_by("old-timer"))

        assert outcome.conflicts == len(taken_by_newcomer.claimed) > 0
        assert list(old_timer.live) == ["a", "b"]  # list(): mypy narrowed the tuple above


async def test_a_claimer_that_leaves_drops_out_at_the_next_beat() -> None:
    async with elasticsearch_harness() as harness:
        clock = FrozenClock(NOW)
        first, second = membership(harness, clock, "a"), membership(harness, clock, "b")
        await known_to_each_other(first, second)

        await second.leave()
        await harness.make_searchable()
        await first.beat()

        assert first.live == ("a",)


async def test_with_two_live_servers_each_claims_only_its_own_stripe_while_it_has_candidates() -> None:
    async with elasticsearch_harness() as harness:
        members = await two_live_claimers_over(harness, tasks=400)
        stores = [striped_store(harness, member) for member in members]
        request = ClaimRequest(queues=("work",), amount=50, at=NOW)

        for _ in range(3):  # 150 of each stripe's ~200 tasks, before any refresh shows the others' claims
            for index, store in enumerate(stores):
                outcome = await store.claim_tasks(request, claim_by(f"server-{index}"))
                assert len(outcome.claimed) == 50
                assert outcome.conflicts == 0
                assert {stripe_of(task, count=2) for task in outcome.claimed} == {index}


async def test_a_lone_server_claims_in_claim_order_as_before() -> None:
    async with elasticsearch_harness() as harness:
        await seed(harness, 100)
        store = striped_store(harness, membership(harness, FrozenClock(NOW), "alone"))

        outcome = await store.claim_tasks(ClaimRequest(queues=("work",), amount=30, at=NOW), claim_by("w"))

        assert [task.id for task in outcome.claimed] == [f"t{number:05}" for number in range(30)]


async def test_the_stripe_of_a_live_but_idle_or_dead_peer_is_claimed_once() -> None:
    async with elasticsearch_harness() as harness:
        await seed(harness, 300)
        clock = FrozenClock(NOW)
        idle = membership(harness, clock, "idle")
        busy = membership(harness, clock, "busy")
        await known_to_each_other(idle, busy)
        store = striped_store(harness, busy)
        request = ClaimRequest(queues=("work",), amount=40, at=NOW)
        claimed: list[str] = []

        while len(claimed) < 300:
            outcome = await store.claim_tasks(request, claim_by("w"))
            claimed += [task.id for task in outcome.claimed]
            if not outcome.claimed:
                await harness.make_searchable()

        assert len(set(claimed)) == len(claimed) == 300
        assert busy.live == ("busy", "idle")  # its peer was live throughout: its stripe was still taken


async def test_four_striped_servers_claiming_at_once_claim_every_task_once() -> None:
    total, batch = 2_000, 50
    async with elasticsearch_harness() as harness:
        await seed(harness, total)
        clock = FrozenClock(NOW)
        members = [membership(harness, clock, f"server-{number}") for number in range(4)]
        await known_to_each_other(*members)
        stores = [striped_store(harness, member) for member in members]

        claimed = await claim_every_task_once(harness, stores, total=total, batch=batch)

        assert len(claimed) == total
        assert set(claimed.values()) == {0, 1, 2, 3}


class SearchSizes(ForwardingEngine):
    """The real engine, recording the ``size`` of every search sent through it."""

    def __init__(self, inner: SearchEngine) -> None:
        super().__init__(inner)
        self.sizes: list[int] = []

    async def search(self, **params: Any) -> dict[str, Any]:
        self.sizes.append(int(params.get("size", 10)))
        response: dict[str, Any] = await self._inner.search(**params)
        return response


async def test_striped_servers_over_fetch_for_their_stripe_without_the_contended_widening() -> None:
    async with elasticsearch_harness() as harness:
        members = await two_live_claimers_over(harness, tasks=400)
        recorder = SearchSizes(harness.client)
        store = ElasticsearchTaskStore(recorder, index_prefix=harness.index_prefix)
        store._membership = members[0]

        outcome = await store.claim_tasks(ClaimRequest(queues=("work",), amount=50, at=NOW), claim_by("a"))

        assert len(outcome.claimed) == 50
        assert {stripe_of(task, count=2) for task in outcome.claimed} == {0}
        # The default multiplier (5) is above 2 x 2 servers: 250 hits, where the widening for contention
        # made it 1,000 (and 2,000 for claims of 100), each fetched, decoded and parsed.
        assert recorder.sizes == [250]
