"""The worker protocol through the services, on every backend: fencing, retries, hand-off."""

import asyncio
from collections.abc import Callable, Sequence
from datetime import timedelta

import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.errors import LeaseSuperseded, NotClaimed, NotOwnedByWorker
from app.domain.history import TaskEvent
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from app.storage.port import ClaimOutcome, ClaimRequest, TaskStore
from tests.contract.conftest import T0, StoreHarness

FAST_RETRIES = {"defaults": {"backoff": {"strategy": "fixed", "base": "1s", "max": "1s", "jitter": 0}}}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(tasks=FAST_RETRIES), clock=clock, store=harness.store)


def _order(worker: str, amount: int = 1, block_for: timedelta = timedelta(0)) -> ClaimOrder:
    return ClaimOrder(worker_id=worker, queues=("q",), amount=amount, block_for=block_for)


async def _claim_one(components: Components, harness: StoreHarness, worker: str) -> Task:
    await harness.make_searchable()
    (task,) = await components.claims.claim(_order(worker))
    return task


async def test_a_superseded_lease_cannot_finish_the_task(
    components: Components, harness: StoreHarness, clock: FrozenClock
) -> None:
    created = await components.tasks.create_task(NewTask(queue="q", kind="k", retry_times=3))
    first = await _claim_one(components, harness, "worker-a")
    # The reaper's view: worker-a went silent past its timeout; the task goes back for another attempt.
    clock.advance(first.processing_timeout + timedelta(seconds=1))
    timed_out = first.time_out(
        at=clock.now_utc(), backoff=components.tasks.policies.backoff_for("q"), jitter=0.0
    )
    await harness.store.update_task(first, timed_out)
    clock.advance(timedelta(seconds=2))
    second = await _claim_one(components, harness, "worker-a")

    stale = Claimant(worker_id="worker-a", lease_token=first.lease_token)
    with pytest.raises(LeaseSuperseded):
        await components.tasks.mark_done("q", created.id, stale, {"from": "the stale run"})
    with pytest.raises(LeaseSuperseded):
        await components.tasks.report_in("q", created.id, stale, None)

    current = await components.tasks.get_task("q", created.id)
    assert current == second
    assert current.attempted == 2
    done = await components.tasks.mark_done(
        "q", created.id, Claimant(worker_id="worker-a", lease_token=second.lease_token), {"ok": 1}
    )
    assert done.state is TaskState.DONE


async def test_without_a_token_the_worker_id_decides_ownership(
    components: Components, harness: StoreHarness
) -> None:
    created = await components.tasks.create_task(NewTask(queue="q", kind="k"))
    await _claim_one(components, harness, "owner")

    with pytest.raises(NotOwnedByWorker):
        await components.tasks.mark_done("q", created.id, Claimant(worker_id="intruder"), None)
    reported = await components.tasks.report_in("q", created.id, Claimant(worker_id="owner"), {"pct": 50})
    assert reported.last_claimed is not None
    assert reported.last_claimed.last_report is not None
    assert reported.last_claimed.last_report.data == {"pct": 50}


async def test_failures_retry_with_backoff_then_die(
    components: Components, harness: StoreHarness, clock: FrozenClock
) -> None:
    created = await components.tasks.create_task(NewTask(queue="q", kind="k", retry_times=1))
    owner = Claimant(worker_id="w")

    await _claim_one(components, harness, "w")
    failed = await components.tasks.mark_failed("q", created.id, owner, {"error": "boom"})
    assert failed.state is TaskState.FAILED
    assert failed.run_at == clock.now_utc() + timedelta(seconds=1)
    await harness.make_searchable()
    assert await components.claims.claim(_order("w")) == []

    clock.advance(timedelta(seconds=1))
    await _claim_one(components, harness, "w")
    dead = await components.tasks.mark_failed("q", created.id, owner, {"error": "boom again"})

    assert dead.state is TaskState.DEAD
    assert dead.attempted == 2
    assert dead.last_claimed is not None
    assert dead.last_claimed.result is not None
    assert dead.last_claimed.result.failure == {"error": "boom again"}
    with pytest.raises(NotClaimed):
        await components.tasks.mark_done("q", created.id, owner, None)


async def test_unclaim_refunds_the_attempt_and_requeues(
    components: Components, harness: StoreHarness
) -> None:
    created = await components.tasks.create_task(NewTask(queue="q", kind="k"))
    claimed = await _claim_one(components, harness, "w")

    unclaimed = await components.tasks.unclaim(
        "q", created.id, Claimant(worker_id="w", lease_token=claimed.lease_token)
    )

    assert unclaimed.state is TaskState.QUEUED
    assert unclaimed.attempted == 0
    again = await _claim_one(components, harness, "w2")
    assert again.attempted == 1


async def test_a_blocked_claimer_gets_a_task_enqueued_on_its_server_without_a_refresh(
    harness: StoreHarness,
) -> None:
    live = build_components(Settings(), store=harness.store)
    order = ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(seconds=5))
    claiming = asyncio.create_task(live.claims.claim(order))
    await asyncio.wait_for(live.arrivals.someone_waited.wait(), timeout=5)

    created = await live.tasks.create_task(NewTask(queue="q", kind="k"))
    claimed = await asyncio.wait_for(claiming, timeout=5)

    assert [task.id for task in claimed] == [created.id]
    assert (await harness.store.get_task("q", created.id)).state is TaskState.CLAIMED


class _ClaimSignallingStore:
    """Delegates to the real store and signals after each store claim, so a test knows where it is."""

    def __init__(self, store: TaskStore) -> None:
        self._store = store
        self.claimed_once = asyncio.Event()

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def claim_tasks(
        self,
        request: ClaimRequest,
        claim: Callable[[Task], Task],
        *,
        events_for: Callable[[Task], Sequence[TaskEvent]] | None = None,
    ) -> ClaimOutcome:
        outcome = await self._store.claim_tasks(request, claim, events_for=events_for)
        if outcome.claimed:
            self.claimed_once.set()
        return outcome


async def test_a_cancelled_long_poll_hands_back_what_it_had_claimed(harness: StoreHarness) -> None:
    store = _ClaimSignallingStore(harness.store)
    live = build_components(Settings(), store=store)  # type: ignore[arg-type]
    created = await live.tasks.create_task(NewTask(queue="q", kind="k"))
    await harness.make_searchable()
    order = ClaimOrder(worker_id="w", queues=("q",), amount=2, block_for=timedelta(seconds=30))
    claiming = asyncio.create_task(live.claims.claim(order))
    await asyncio.wait_for(store.claimed_once.wait(), timeout=5)

    claiming.cancel()
    with pytest.raises(asyncio.CancelledError):
        await claiming

    released = await harness.store.get_task("q", created.id)
    assert released.state is TaskState.QUEUED
    assert released.attempted == 0
