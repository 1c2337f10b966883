"""Cancellation of queued and running tasks, and checkpoints handed to the next attempt, on every backend."""

import random
from datetime import timedelta

import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.errors import LeaseSuperseded, TaskAlreadyFinished
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from app.maintenance.reaper import ReaperSettings, TimeoutReaper
from app.services.claims import ClaimOrder
from app.services.completions import CompletionBoard
from app.services.new_task import NewTask
from tests.contract.conftest import T0, StoreHarness

TIMEOUT = timedelta(minutes=1)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(), clock=clock, store=harness.store)


async def _enqueue(components: Components, task_id: str, retry_times: int = 3) -> Task:
    return await components.tasks.create_task(
        NewTask(queue="q", kind="k", id=task_id, retry_times=retry_times, processing_timeout=TIMEOUT)
    )


async def _claim(components: Components, harness: StoreHarness, worker: str = "w") -> list[Task]:
    await harness.make_searchable()
    return await components.claims.claim(
        ClaimOrder(worker_id=worker, queues=("q",), amount=10, block_for=timedelta(0))
    )


async def test_a_queued_task_is_cancelled_at_once_and_never_claimed(
    harness: StoreHarness, components: Components
) -> None:
    await _enqueue(components, "t")

    cancelled = await components.tasks.cancel("q", "t", "not needed")

    assert cancelled.state is TaskState.CANCELLED
    assert cancelled.cancellation is not None
    assert cancelled.cancellation.reason == "not needed"
    assert await _claim(components, harness) == []
    with pytest.raises(TaskAlreadyFinished):
        await components.tasks.cancel("q", "t", None)


async def test_a_running_task_learns_of_its_cancellation_on_its_next_report(
    harness: StoreHarness, components: Components
) -> None:
    await _enqueue(components, "t")
    (claimed,) = await _claim(components, harness)
    owner = Claimant(worker_id="w", lease_token=claimed.lease_token)

    requested = await components.tasks.cancel("q", "t", "user pressed stop")
    reported = await components.tasks.report_in("q", "t", owner, {"pct": 10})
    ended = await components.tasks.mark_cancelled("q", "t", owner, {"stopped_at": "10%"})

    assert requested.state is TaskState.CLAIMED
    assert reported.cancellation is not None
    assert reported.state is TaskState.CLAIMED
    assert ended.state is TaskState.CANCELLED
    assert ended.last_claimed is not None
    assert ended.last_claimed.result is not None
    assert ended.last_claimed.result.failure == {"stopped_at": "10%"}


@pytest.mark.parametrize("how", ["failed", "unclaimed"])
async def test_a_cancel_requested_task_is_not_retried(
    harness: StoreHarness, components: Components, how: str
) -> None:
    await _enqueue(components, "t")
    (claimed,) = await _claim(components, harness)
    owner = Claimant(worker_id="w", lease_token=claimed.lease_token)
    await components.tasks.cancel("q", "t", None)

    if how == "failed":
        ended = await components.tasks.mark_failed("q", "t", owner, {"error": "interrupted"})
    else:
        ended = await components.tasks.unclaim("q", "t", owner)

    assert ended.state is TaskState.CANCELLED
    assert await _claim(components, harness) == []


async def test_the_reaper_cancels_a_cancel_requested_task_whose_worker_went_silent(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _enqueue(components, "t")
    await _claim(components, harness)
    await components.tasks.cancel("q", "t", None)
    clock.advance(TIMEOUT + timedelta(seconds=1))
    await harness.make_searchable()

    reaper = TimeoutReaper(
        harness.store,
        settings=ReaperSettings(),
        policies=components.tasks.policies,
        clock=clock,
        rng=random.Random(1),
        history=components.history,
        completions=CompletionBoard(),
    )
    await reaper.run_once()

    assert (await harness.store.get_task("q", "t")).state is TaskState.CANCELLED


async def test_a_checkpoint_is_handed_to_the_next_attempt_and_fenced_by_the_lease(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _enqueue(components, "t")
    (first,) = await _claim(components, harness)
    first_owner = Claimant(worker_id="w", lease_token=first.lease_token)
    await components.tasks.report_in("q", "t", first_owner, None, checkpoint={"rows_done": 5000})
    # The worker dies; after the reap and the backoff, another worker claims the task.
    clock.advance(TIMEOUT + timedelta(seconds=1))
    expired = await harness.store.get_task("q", "t")
    await harness.store.update_task(
        expired,
        expired.time_out(at=clock.now_utc(), backoff=components.tasks.policies.backoff_for("q"), jitter=0),
    )
    clock.advance(timedelta(hours=2))
    (second,) = await _claim(components, harness, worker="w2")

    with pytest.raises(LeaseSuperseded):
        await components.tasks.report_in("q", "t", first_owner, None, checkpoint={"rows_done": 9999})

    assert second.checkpoint is not None
    assert (second.checkpoint.data, second.checkpoint.attempt) == ({"rows_done": 5000}, 1)
    assert second.attempted == 2
    assert (await harness.store.get_task("q", "t")).checkpoint == second.checkpoint
