"""The timeout reaper through ``run_once`` with a frozen clock, on every backend."""

import random
from datetime import datetime, timedelta

import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.errors import LeaseSuperseded
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from app.maintenance.reaper import ReaperSettings, TimeoutReaper
from app.services.claims import ClaimOrder
from app.services.completions import CompletionBoard
from app.services.new_task import NewTask
from tests.contract.conftest import T0, StoreHarness

TIMEOUT = timedelta(minutes=1)
FIXED_BACKOFF = {"defaults": {"backoff": {"strategy": "fixed", "base": "10s", "max": "10s", "jitter": 0}}}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(tasks=FIXED_BACKOFF), clock=clock, store=harness.store)


def reaper(harness: StoreHarness, components: Components, clock: FrozenClock) -> TimeoutReaper:
    return TimeoutReaper(
        harness.store,
        settings=ReaperSettings(),
        policies=components.tasks.policies,
        clock=clock,
        rng=random.Random(1),
        history=components.history,
        completions=CompletionBoard(),
    )


async def _claim(components: Components, harness: StoreHarness, *, amount: int = 10) -> list[Task]:
    await harness.make_searchable()
    order = ClaimOrder(worker_id="w", queues=("q",), amount=amount, block_for=timedelta(0))
    return await components.claims.claim(order)


async def test_expired_claims_fail_or_die_and_live_ones_stay(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    for task_id, retries in [("retry", 2), ("last-try", 0)]:
        await components.tasks.create_task(
            NewTask(queue="q", kind="k", id=task_id, retry_times=retries, processing_timeout=TIMEOUT)
        )
    await components.tasks.create_task(
        NewTask(queue="q", kind="k", id="long", processing_timeout=TIMEOUT * 10)
    )
    await _claim(components, harness)
    clock.advance(TIMEOUT + timedelta(seconds=1))
    await harness.make_searchable()

    result = await reaper(harness, components, clock).run_once()

    assert result.work_done == 2
    retry = await harness.store.get_task("q", "retry")
    assert retry.state is TaskState.FAILED
    assert retry.run_at == clock.now_utc() + timedelta(seconds=10)
    assert retry.last_claimed is not None
    assert retry.last_claimed.result is not None
    assert retry.last_claimed.result.failure == {"timed_out": "Did not finish before claim timeout period"}
    assert (await harness.store.get_task("q", "last-try")).state is TaskState.DEAD
    assert (await harness.store.get_task("q", "long")).state is TaskState.CLAIMED
    await harness.make_searchable()
    assert (await reaper(harness, components, clock).run_once()).work_done == 0


async def test_a_heartbeat_extends_the_deadline(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    created = await components.tasks.create_task(NewTask(queue="q", kind="k", processing_timeout=TIMEOUT))
    (claimed,) = await _claim(components, harness)
    clock.advance(TIMEOUT - timedelta(seconds=1))
    await components.tasks.report_in(
        "q", created.id, Claimant(worker_id="w", lease_token=claimed.lease_token), None
    )
    clock.advance(timedelta(seconds=30))
    await harness.make_searchable()

    assert (await reaper(harness, components, clock).run_once()).work_done == 0
    assert (await harness.store.get_task("q", created.id)).state is TaskState.CLAIMED


class HeartbeatBetweenSearchAndWrite:
    """Lets a heartbeat land after the reaper's search and before its write."""

    def __init__(self, harness: StoreHarness, heartbeat: object) -> None:
        self._store = harness.store
        self._heartbeat = heartbeat

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def find_timed_out(self, *, at: datetime, limit: int) -> list[Task]:
        found = await self._store.find_timed_out(at=at, limit=limit)
        await self._heartbeat()  # type: ignore[operator]
        return found


async def test_a_heartbeat_racing_the_reaper_wins_cleanly(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    created = await components.tasks.create_task(NewTask(queue="q", kind="k", processing_timeout=TIMEOUT))
    (claimed,) = await _claim(components, harness)
    owner = Claimant(worker_id="w", lease_token=claimed.lease_token)
    clock.advance(TIMEOUT + timedelta(seconds=1))
    await harness.make_searchable()

    async def heartbeat() -> None:
        await components.tasks.report_in("q", created.id, owner, {"still": "alive"})

    racing = TimeoutReaper(
        HeartbeatBetweenSearchAndWrite(harness, heartbeat),  # type: ignore[arg-type]
        settings=ReaperSettings(),
        policies=components.tasks.policies,
        clock=clock,
        rng=random.Random(1),
        history=components.history,
        completions=CompletionBoard(),
    )
    result = await racing.run_once()

    assert result.work_done == 0
    stored = await harness.store.get_task("q", created.id)
    assert stored.state is TaskState.CLAIMED
    assert stored.attempted == 1


async def test_the_superseded_worker_is_fenced_out_after_a_reap(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    created = await components.tasks.create_task(
        NewTask(queue="q", kind="k", processing_timeout=TIMEOUT, retry_times=3)
    )
    (first,) = await _claim(components, harness)
    clock.advance(TIMEOUT + timedelta(seconds=1))
    await harness.make_searchable()
    await reaper(harness, components, clock).run_once()
    clock.advance(timedelta(seconds=10))
    (second,) = await _claim(components, harness)

    with pytest.raises(LeaseSuperseded):
        await components.tasks.mark_done(
            "q", created.id, Claimant(worker_id="w", lease_token=first.lease_token), None
        )

    assert second.lease_token != first.lease_token
    assert (await harness.store.get_task("q", created.id)).state is TaskState.CLAIMED
