"""Retrying archived tasks (``Store.revive_task``), on every backend: through archiver cycles, in bulk,
and with two servers retrying the same archived task at once."""

import asyncio
from datetime import timedelta

import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.errors import (
    InvalidInput,
    InvalidTransition,
    TaskAlreadyExists,
    TaskNotFound,
    VersionConflict,
)
from app.domain.history import TaskEventKind
from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from app.maintenance.admin_jobs import AdminJobRunner, AdminJobSettings
from app.maintenance.archiver import Archiver, ArchiverSettings
from app.services.admin_service import AdminAction
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from tests.contract.conftest import T0, StoreHarness

ARCHIVE_AFTER = timedelta(hours=1)
SETTINGS = ArchiverSettings(
    archive_after=ARCHIVE_AFTER, dedup_window=timedelta(days=1), retention=timedelta(days=2)
)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(), clock=clock, store=harness.store)


async def _archive(harness: StoreHarness, clock: FrozenClock) -> int:
    """One archiver pass once everything finished so far is old enough."""
    clock.advance(ARCHIVE_AFTER + timedelta(seconds=1))
    await harness.make_searchable()
    archiver = Archiver(harness.store, settings=SETTINGS, clock=clock, store_keeps_retention=False)
    archived = (await archiver.run_once()).work_done
    await harness.make_searchable()
    return archived


async def _dead(components: Components, harness: StoreHarness, task_id: str) -> Task:
    """Claims ``task_id`` (queued in "q") and fails it for good."""
    await harness.make_searchable()
    (claimed,) = await components.claims.claim(
        ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(0))
    )
    assert claimed.id == task_id
    return await components.tasks.mark_failed("q", task_id, Claimant(worker_id="w"), {"error": "boom"})


async def _copies(harness: StoreHarness, task_id: str) -> list[Task]:
    """Every copy of ``task_id`` a search over live and archived tasks lists."""
    await harness.make_searchable()
    page = await harness.store.search_tasks(TaskQuery(include_archive=True), limit=100, cursor=None)
    return [task for task in page.tasks if task.id == task_id]


async def test_an_archived_dead_task_comes_back_live_through_archiver_cycles(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="dlq", retry_times=0))
    await _dead(components, harness, "dlq")
    assert await _archive(harness, clock) == 1

    for cycle in range(2):  # retried from the archive, dead again, archived again, retried again
        retried = await components.admin.act_on_task(AdminAction.RETRY, "q", "dlq")

        assert retried is not None
        assert (retried.state, retried.attempted) == (TaskState.QUEUED, 0)
        assert (await components.tasks.get_task("q", "dlq")) == retried
        assert [task.state for task in await _copies(harness, "dlq")] == [TaskState.QUEUED]
        with pytest.raises(TaskAlreadyExists):
            await components.tasks.create_task(NewTask(queue="q", kind="k", id="dlq"))
        history = await harness.store.list_events("q", "dlq", limit=100)
        assert [event.kind for event in history].count(TaskEventKind.DEAD) == cycle + 1
        await _dead(components, harness, "dlq")
        assert await _archive(harness, clock) == 1
        assert [task.state for task in await _copies(harness, "dlq")] == [TaskState.DEAD]


async def test_archived_cancelled_tasks_are_retried_and_done_ones_are_not(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="stopped"))
    await components.tasks.cancel("q", "stopped", reason="not now")
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="finished"))
    await harness.make_searchable()
    await components.claims.claim(ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(0)))
    await components.tasks.mark_done("q", "finished", Claimant(worker_id="w"), None)
    assert await _archive(harness, clock) == 2

    retried = await components.admin.act_on_task(AdminAction.RETRY, "q", "stopped")
    with pytest.raises(InvalidTransition):
        await components.admin.act_on_task(AdminAction.RETRY, "q", "finished")

    assert retried is not None
    assert (retried.state, retried.cancellation) == (TaskState.QUEUED, None)
    assert [task.state for task in await _copies(harness, "finished")] == [TaskState.DONE]


async def test_two_servers_retrying_one_archived_task_revive_it_once(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="dlq", retry_times=0))
    await _dead(components, harness, "dlq")
    await _archive(harness, clock)
    archived = await harness.store.get_task("q", "dlq")
    other_server = harness.sibling()
    retried = archived.retry(at=clock.now_utc())

    outcomes = await asyncio.gather(
        harness.store.revive_task(archived, retried),
        other_server.revive_task(archived, retried),
        return_exceptions=True,
    )

    revived = [outcome for outcome in outcomes if isinstance(outcome, Task)]
    refused = [outcome for outcome in outcomes if not isinstance(outcome, Task)]
    assert len(revived) == 1
    assert [type(error) in (VersionConflict, TaskNotFound) for error in refused] == [True]
    assert await harness.store.get_task("q", "dlq") == revived[0]
    assert await other_server.get_task("q", "dlq") == revived[0]
    assert [task.state for task in await _copies(harness, "dlq")] == [TaskState.QUEUED]
    with pytest.raises((VersionConflict, TaskNotFound)):  # the archived version answers no more
        await harness.store.revive_task(archived, retried)


async def test_two_servers_retrying_through_the_service_answer_one_task_and_one_conflict(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="dlq", retry_times=0))
    await _dead(components, harness, "dlq")
    await _archive(harness, clock)
    other_server = build_components(Settings(), clock=clock, store=harness.sibling())

    outcomes = await asyncio.gather(
        components.admin.act_on_task(AdminAction.RETRY, "q", "dlq"),
        other_server.admin.act_on_task(AdminAction.RETRY, "q", "dlq"),
        return_exceptions=True,
    )

    assert sorted(type(outcome).__name__ for outcome in outcomes) == ["InvalidTransition", "Task"]
    assert [task.state for task in await _copies(harness, "dlq")] == [TaskState.QUEUED]


async def test_revive_of_a_live_task_is_a_compare_and_swap(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="dlq", retry_times=0))
    dead = await _dead(components, harness, "dlq")

    revived = await harness.store.revive_task(dead, dead.retry(at=clock.now_utc()))

    assert revived.state is TaskState.QUEUED
    with pytest.raises(VersionConflict):
        await harness.store.revive_task(dead, dead.retry(at=clock.now_utc()))


async def test_a_bulk_retry_with_include_archive_revives_archived_and_live_dead_letters(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    for index in range(3):
        await components.tasks.create_task(NewTask(queue="q", kind="k", id=f"old-{index}", retry_times=0))
        await _dead(components, harness, f"old-{index}")
    await _archive(harness, clock)
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="recent", retry_times=0))
    await _dead(components, harness, "recent")
    await harness.make_searchable()
    query = TaskQuery(queues=("q",), states=(TaskState.DEAD,), include_archive=True)

    preview = await components.admin.preview(AdminAction.RETRY, query, priority=None)
    job = await components.admin.start_job(AdminAction.RETRY, query, priority=None)
    runner = AdminJobRunner(harness.store, components.admin, settings=AdminJobSettings(batch_size=2))
    for _ in range(3):
        await runner.run_once()
        await harness.make_searchable()

    finished = await components.admin.get_job(job.id)
    assert (preview.count, len(preview.sample)) == (4, 4)
    assert (finished.status, finished.processed, finished.succeeded, finished.skipped) == ("done", 4, 4, 0)
    listed = await harness.store.search_tasks(TaskQuery(include_archive=True), limit=100, cursor=None)
    assert sorted((task.id, task.state) for task in listed.tasks) == [
        ("old-0", TaskState.QUEUED),
        ("old-1", TaskState.QUEUED),
        ("old-2", TaskState.QUEUED),
        ("recent", TaskState.QUEUED),
    ]


async def test_other_bulk_actions_still_refuse_the_archive(components: Components) -> None:
    for action in (AdminAction.CANCEL, AdminAction.REQUEUE, AdminAction.DELETE):
        with pytest.raises(InvalidInput, match="read-only"):
            await components.admin.preview(action, TaskQuery(include_archive=True), priority=None)
