"""The recurring scheduler through ``run_once`` with a frozen clock, on every backend."""

from datetime import timedelta

import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.errors import TaskNotFound
from app.domain.recurring import OverlapPolicy
from app.domain.states import TaskState
from app.domain.task import Claimant
from app.maintenance.scheduler import RecurringScheduler, SchedulerSettings
from app.services.recurring_fires import RecurringFires
from app.services.recurring_service import NewTaskDefinition, SchedulePolicy
from app.storage.port import Store
from tests.contract.conftest import T0, StoreHarness

MINUTE = timedelta(minutes=1)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0 + timedelta(seconds=30))


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(), clock=clock, store=harness.store)


def scheduler(components: Components, clock: FrozenClock, store: Store | None = None) -> RecurringScheduler:
    fires = RecurringFires(
        store or components.store,
        policies=components.tasks.policies,
        max_fires_per_pass=100,
        history=components.history,
    )
    return RecurringScheduler(fires, settings=SchedulerSettings(), clock=clock)


async def _define(components: Components, schedule: str = "* * * * *", **policy: object) -> None:
    await components.recurring.create(
        "every-minute",
        schedule,
        NewTaskDefinition(queue="q", kind="tick", args={"n": 1}),
        SchedulePolicy(**policy),  # type: ignore[arg-type]
    )


async def test_each_due_fire_is_enqueued_once_with_a_deterministic_id(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components)
    clock.advance(timedelta(minutes=3))  # now 00:03:30: fires due at 00:01, 00:02, 00:03

    first = await scheduler(components, clock).run_once()
    again = await scheduler(components, clock).run_once()

    assert first.work_done == 3
    assert again.work_done == 0
    for minute in (1, 2, 3):
        task = await harness.store.get_task("q", f"every-minute@20260101T00{minute:02d}00.000000Z")
        assert (task.kind, task.args, task.recurring_task_id) == ("tick", {"n": 1}, "every-minute")
        assert task.run_at == T0 + minute * MINUTE
    stored = await components.recurring.get("every-minute")
    assert stored.last_fire_at == T0 + 3 * MINUTE


async def test_two_leaders_at_once_still_fire_each_time_once(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components)
    clock.advance(timedelta(minutes=2))
    old_leader = scheduler(components, clock)
    new_leader = scheduler(components, clock, harness.sibling())

    await old_leader.run_once()
    await new_leader.run_once()
    await harness.make_searchable()

    assert await harness.store.count_outstanding(queue="q", recurring_task_id="every-minute") == 2


async def test_fires_older_than_the_catchup_window_are_skipped(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components, catchup_window=timedelta(minutes=2))
    clock.advance(timedelta(minutes=10))  # 00:10:30: window starts 00:08:30

    result = await scheduler(components, clock).run_once()

    assert result.work_done == 10  # 00:01 to 00:08 missed, 00:09 and 00:10 enqueued
    await harness.make_searchable()
    assert await harness.store.count_outstanding(queue="q", recurring_task_id="every-minute") == 2
    with pytest.raises(TaskNotFound):
        await harness.store.get_task("q", "every-minute@20260101T000800.000000Z")
    await harness.store.get_task("q", "every-minute@20260101T000900.000000Z")


async def test_skip_policy_enqueues_nothing_while_a_fire_is_outstanding(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components, overlap_policy=OverlapPolicy.SKIP)
    clock.advance(MINUTE)
    await scheduler(components, clock).run_once()
    clock.advance(MINUTE)
    await scheduler(components, clock).run_once()

    assert await harness.store.count_outstanding(queue="q", recurring_task_id="every-minute") == 1
    with pytest.raises(TaskNotFound):
        await harness.store.get_task("q", "every-minute@20260101T000200.000000Z")


async def test_buffer_one_holds_one_fire_until_the_outstanding_one_finishes(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components, overlap_policy=OverlapPolicy.BUFFER_ONE)
    clock.advance(MINUTE)
    await scheduler(components, clock).run_once()  # 00:01 enqueued
    clock.advance(2 * MINUTE)
    await scheduler(components, clock).run_once()  # 00:02 buffered, 00:03 dropped
    assert (await components.recurring.get("every-minute")).buffered_fire_at == T0 + 2 * MINUTE

    first = await harness.store.get_task("q", "every-minute@20260101T000100.000000Z")
    claimed = await harness.store.update_task(
        first, first.claim(worker_id="w", at=clock.now_utc(), lease_token="l")
    )
    await harness.store.update_task(
        claimed, claimed.mark_done(Claimant(worker_id="w"), at=clock.now_utc(), data=None)
    )
    await scheduler(components, clock).run_once()

    released = await harness.store.get_task("q", "every-minute@20260101T000200.000000Z")
    assert released.state is TaskState.QUEUED
    assert (await components.recurring.get("every-minute")).buffered_fire_at is None
    with pytest.raises(TaskNotFound):
        await harness.store.get_task("q", "every-minute@20260101T000300.000000Z")


async def test_paused_definitions_do_not_fire_and_resume_from_the_next_fire(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components, catchup_window=timedelta(minutes=5))
    await components.recurring.pause("every-minute")
    clock.advance(2 * MINUTE)
    assert (await scheduler(components, clock).run_once()).work_done == 0

    await components.recurring.resume("every-minute")
    on_resume = await scheduler(components, clock).run_once()
    clock.advance(MINUTE)
    await scheduler(components, clock).run_once()

    await harness.make_searchable()
    assert "paused 2" in on_resume.summary
    assert await harness.store.count_outstanding(queue="q", recurring_task_id="every-minute") == 1
    await harness.store.get_task("q", "every-minute@20260101T000300.000000Z")


async def test_resume_with_catch_up_fires_what_was_missed_within_the_window(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components, catchup_window=timedelta(minutes=5))
    await components.recurring.pause("every-minute")
    clock.advance(2 * MINUTE)

    await components.recurring.resume("every-minute", catch_up=True)
    await scheduler(components, clock).run_once()

    await harness.make_searchable()
    assert await harness.store.count_outstanding(queue="q", recurring_task_id="every-minute") == 2


async def test_backfill_enqueues_a_past_range_once(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components, schedule="0 * * * *")

    first = await components.recurring.backfill(
        "every-minute", start=T0 - timedelta(hours=3), end=T0, max_fires=10
    )
    again = await components.recurring.backfill(
        "every-minute", start=T0 - timedelta(hours=3), end=T0, max_fires=10
    )

    assert (first.enqueued, first.duplicates) == (4, 0)
    assert (again.enqueued, again.duplicates) == (0, 4)
    await harness.store.get_task("q", "every-minute@20251231T210000.000000Z")


async def test_cancel_other_cancels_the_outstanding_fire_before_enqueueing(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _define(components, overlap_policy=OverlapPolicy.CANCEL_OTHER)
    clock.advance(MINUTE)
    await scheduler(components, clock).run_once()
    clock.advance(MINUTE)

    result = await scheduler(components, clock).run_once()

    assert result.work_done == 2  # one cancelled, one enqueued
    first = await harness.store.get_task("q", "every-minute@20260101T000100.000000Z")
    assert first.state is TaskState.CANCELLED
    assert first.cancellation is not None
    second = await harness.store.get_task("q", "every-minute@20260101T000200.000000Z")
    assert second.state is TaskState.QUEUED
    outstanding = await harness.store.find_outstanding(queue="q", recurring_task_id="every-minute", limit=10)
    assert [task.id for task in outstanding] == [second.id]
