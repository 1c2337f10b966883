"""Flow control's search-engine-only parts: limiter records, pending slots, releases, the search body,
and limits that hold while every search is stale (refreshes stopped on the engine).
"""

from datetime import datetime, timedelta

import pytest

from app.clock import FrozenClock
from app.components import build_components
from app.config import Settings
from app.domain.flow import FlowLimit, FlowRules, LimiterScope, LimitKind, ScopeKind
from app.domain.task import Claimant, Task
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from app.storage.elasticsearch.claim import Narrowing, candidate_search
from app.storage.elasticsearch.flow_limiters import Holder, LimiterRecord, LimiterRecords
from app.storage.elasticsearch.indices import IndexNames
from app.storage.port import ClaimRequest, FlowOptions
from tests.contract.test_elasticsearch_specifics import NOW, claim_at, created, new_task, stop_refreshing
from tests.support.elasticsearch import ElasticsearchHarness, elasticsearch_harness

TENANT_A = LimiterScope(LimitKind.CONCURRENCY, ScopeKind.KEY, "tenant:a")
ONE_PER_TENANT = FlowOptions(
    rules=FlowRules(keys=(("tenant:*", FlowLimit(max_concurrency=1)),)), pending_grace=timedelta(minutes=1)
)


def limiters(harness: ElasticsearchHarness) -> LimiterRecords:
    return LimiterRecords(harness.client, harness.store.names.flow_control)


def tenant_task(task_id: str, *, minute: int = 0) -> Task:
    return new_task(task_id, run_at=NOW - timedelta(minutes=10 - minute), concurrency_key="tenant:a")


def request(at: datetime = NOW) -> ClaimRequest:
    return ClaimRequest(queues=("work",), amount=5, at=at, flow=ONE_PER_TENANT)


def test_the_capability_filter_is_a_terms_set_over_the_stored_count() -> None:
    search = candidate_search(
        IndexNames("p_"), ("q",), at=NOW, size=5, narrowing=Narrowing(capabilities=frozenset({"gpu", "a"}))
    )
    clause = search["query"]["bool"]["filter"][-1]["bool"]
    assert clause["minimum_should_match"] == 1
    assert clause["should"][1] == {
        "terms_set": {
            "required_capabilities": {
                "terms": ["a", "gpu"],
                "minimum_should_match_field": "required_capabilities_count",
            }
        }
    }


async def test_a_slot_taken_by_a_claim_that_never_wrote_is_kept_for_the_grace_then_reclaimed() -> None:
    async with elasticsearch_harness() as harness:
        (first, _) = await created(harness, tenant_task("t1"), tenant_task("t2", minute=1))
        await harness.make_searchable()
        # A server took the slot for t1 and died before writing the claim: t1 is still at that version.
        assert first.metadata.version is not None
        ghost = Holder("work", "t1", "ghost-token", first.metadata.version, acquired_at=NOW)
        (written,) = await limiters(harness).write(
            [(LimiterRecord(TENANT_A), LimiterRecord(TENANT_A, (ghost,)))]
        )
        assert written is not None

        within_grace = await harness.store.claim_tasks(request(NOW + timedelta(seconds=59)), claim_at(NOW))
        after_grace = await harness.store.claim_tasks(request(NOW + timedelta(seconds=61)), claim_at(NOW))

        assert within_grace.claimed == []
        assert [task.id for task in after_grace.claimed] == ["t1"]
        (record,) = (await limiters(harness).read([TENANT_A])).values()
        assert [holder.task_id for holder in record.holders] == ["t1"]


async def test_the_services_release_a_finished_task_s_slot_at_once() -> None:
    async with elasticsearch_harness() as harness:
        settings = Settings.model_validate(
            {"tasks": {"flow_control": {"keys": {"tenant:*": {"max_concurrency": 1}}}}}
        )
        components = build_components(settings, clock=FrozenClock(NOW), store=harness.store)
        for task_id in ("t1", "t2"):
            await components.tasks.create_task(
                NewTask(queue="work", kind="k", id=task_id, concurrency_key="tenant:a")
            )
        await harness.make_searchable()
        order = ClaimOrder(worker_id="w", queues=("work",), amount=2, block_for=timedelta(0))

        (first,) = await components.claims.claim(order)
        holders_while_claimed = (await limiters(harness).read([TENANT_A]))[TENANT_A].holders
        await components.tasks.mark_done(
            "work", first.id, Claimant(worker_id="w", lease_token=first.lease_token), None
        )
        holders_after_done = (await limiters(harness).read([TENANT_A]))[TENANT_A].holders

        assert [holder.token for holder in holders_while_claimed] == [first.lease_token]
        assert holders_after_done == ()


async def test_a_claim_that_loses_its_task_write_gives_its_slot_back() -> None:
    async with elasticsearch_harness() as harness:
        (task,) = await created(harness, tenant_task("t1"))
        await harness.make_searchable()
        # Another path (an admin action) changes the task after the claimer read it.
        await harness.store.update_task(task, task.reprioritize(at=NOW, priority=3))
        stale = ClaimRequest(queues=("work",), amount=5, at=NOW, flow=ONE_PER_TENANT, offered=(task,))

        outcome = await harness.store.claim_tasks(stale, claim_at(NOW))

        assert (outcome.claimed, outcome.conflicts) == ([], 1)
        assert (await limiters(harness).read([TENANT_A]))[TENANT_A].holders == ()


@pytest.mark.engine_behaviour
async def test_limits_hold_while_every_search_is_stale() -> None:
    async with elasticsearch_harness() as harness:
        await created(harness, *(tenant_task(f"t{n}", minute=n) for n in range(4)))
        await stop_refreshing(harness, f"{harness.index_prefix}queue-work")

        first = await harness.sibling_store().claim_tasks(request(), claim_at(NOW, "w1"))
        # Unrefreshed, the other servers' searches still show every task queued.
        rivals = [
            await harness.sibling_store().claim_tasks(request(), claim_at(NOW, f"w{n}")) for n in (2, 3)
        ]

        assert len(first.claimed) == 1
        assert all(rival.claimed == [] for rival in rivals)
