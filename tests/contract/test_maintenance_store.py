"""Store queries behind the reaper, the scheduler and the archiver."""

from datetime import timedelta

import pytest

from app.domain.backoff import BackoffPolicy
from app.domain.errors import TaskAlreadyExists, TaskNotFound, VersionConflict
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from tests.contract.conftest import T0, StoreHarness, queued_task

OWNER = Claimant(worker_id="w")


async def _created(harness: StoreHarness, *tasks: Task) -> list[Task]:
    results = await harness.store.create_tasks(list(tasks))
    return [result for result in results if isinstance(result, Task)]


async def _claimed(harness: StoreHarness, task: Task, *, at: timedelta = timedelta(0)) -> Task:
    return await harness.store.update_task(task, task.claim(worker_id="w", at=T0 + at, lease_token="l"))


async def test_timed_out_claims_are_found_earliest_first(harness: StoreHarness) -> None:
    late, early, fresh, _never_claimed = await _created(
        harness, queued_task("late"), queued_task("early"), queued_task("fresh"), queued_task("queued")
    )
    await _claimed(harness, late, at=timedelta(seconds=30))
    await _claimed(harness, early)
    await _claimed(harness, fresh, at=timedelta(minutes=10))
    await harness.make_searchable()

    found = await harness.store.find_timed_out(at=T0 + timedelta(minutes=2), limit=10)

    assert [task.id for task in found] == ["early", "late"]
    assert all(task.metadata.version is not None for task in found)
    assert [
        task.id for task in await harness.store.find_timed_out(at=T0 + timedelta(minutes=2), limit=1)
    ] == ["early"]


async def test_outstanding_counts_only_unfinished_tasks_of_that_definition(harness: StoreHarness) -> None:
    def spawned(task_id: str, recurring_id: str = "r") -> Task:
        return queued_task(task_id).model_copy(update={"recurring_task_id": recurring_id})

    one, two, _, _ = await _created(harness, spawned("1"), spawned("2"), spawned("3"), spawned("x", "other"))
    claimed = await _claimed(harness, one)
    await harness.store.update_task(claimed, claimed.mark_done(OWNER, at=T0, data=None))
    await _claimed(harness, two)

    assert await harness.store.count_outstanding(queue="q", recurring_task_id="r") == 2
    assert await harness.store.count_outstanding(queue="q", recurring_task_id="other") == 1
    assert await harness.store.count_outstanding(queue="never-used", recurring_task_id="r") == 0


async def _finish(harness: StoreHarness, task: Task, *, at: timedelta, dead: bool = False) -> Task:
    claimed = await _claimed(harness, task, at=at)
    backoff = BackoffPolicy()
    finished = (
        claimed.mark_failed(OWNER, at=T0 + at, data={"e": 1}, backoff=backoff, jitter=0)
        if dead
        else claimed.mark_done(OWNER, at=T0 + at, data={"r": 1})
    )
    return await harness.store.update_task(claimed, finished)


async def test_archiving_moves_old_finished_tasks_and_keeps_them_readable(harness: StoreHarness) -> None:
    old_done, old_dead, recent, running = await _created(
        harness,
        queued_task("old-done"),
        queued_task("old-dead", retry_times=0),
        queued_task("recent"),
        queued_task("running"),
    )
    done = await _finish(harness, old_done, at=timedelta(minutes=1))
    dead = await _finish(harness, old_dead, at=timedelta(minutes=2), dead=True)
    await _finish(harness, recent, at=timedelta(hours=2))
    await _claimed(harness, running)
    await harness.make_searchable()

    outcome = await harness.store.archive_finished(
        finished_before=T0 + timedelta(hours=1), at=T0 + timedelta(hours=3), limit=100
    )
    await harness.make_searchable()

    assert (outcome.archived, outcome.skipped) == (2, 0)
    archived_done = await harness.store.get_task("q", "old-done")
    assert archived_done.model_dump(exclude={"metadata"}) == done.model_dump(exclude={"metadata"})
    assert (await harness.store.get_task("q", "old-dead")).state is TaskState.DEAD
    assert dead.state is TaskState.DEAD
    assert (await harness.store.get_task("q", "recent")).state is TaskState.DONE
    assert await harness.store.find_timed_out(at=T0 + timedelta(days=1), limit=10) != []
    again = await harness.store.archive_finished(finished_before=T0 + timedelta(hours=1), at=T0, limit=100)
    assert again.archived == 0


async def test_archived_ids_stay_taken_until_their_dedup_record_is_pruned(harness: StoreHarness) -> None:
    (task,) = await _created(harness, queued_task("idem"))
    await _finish(harness, task, at=timedelta(minutes=1))
    await harness.make_searchable()
    await harness.store.archive_finished(
        finished_before=T0 + timedelta(hours=1), at=T0 + timedelta(hours=1), limit=10
    )
    await harness.make_searchable()

    (duplicate,) = await harness.store.create_tasks([queued_task("idem")])
    assert isinstance(duplicate, TaskAlreadyExists)
    kept = await harness.store.prune_archive(
        archived_before=None, dedup_before=T0 + timedelta(minutes=30), limit=10
    )
    assert kept == 0

    pruned = await harness.store.prune_archive(
        archived_before=None, dedup_before=T0 + timedelta(hours=2), limit=10
    )
    await harness.make_searchable()
    (reused,) = await harness.store.create_tasks([queued_task("idem", args={"second": True})])

    assert pruned == 1
    assert isinstance(reused, Task)
    assert (await harness.store.get_task("q", "idem")).args == {"second": True}


async def test_archive_retention_prunes_old_archived_tasks(harness: StoreHarness) -> None:
    (task,) = await _created(harness, queued_task("old"))
    await _finish(harness, task, at=timedelta(minutes=1))
    await harness.make_searchable()
    await harness.store.archive_finished(
        finished_before=T0 + timedelta(hours=1), at=T0 + timedelta(hours=1), limit=10
    )
    await harness.make_searchable()

    pruned = await harness.store.prune_archive(
        archived_before=T0 + timedelta(days=1), dedup_before=T0 + timedelta(days=1), limit=10
    )
    await harness.make_searchable()

    assert pruned >= 1
    with pytest.raises(TaskNotFound):
        await harness.store.get_task("q", "old")


async def test_a_task_changed_after_the_archive_search_is_not_archived(harness: StoreHarness) -> None:
    (task,) = await _created(harness, queued_task("t"))
    done = await _finish(harness, task, at=timedelta(minutes=1))
    stale = done
    # Someone re-queues it (an admin retry, say) after it was finished: the archiver must leave it live.
    requeued = done.model_copy(update={"state": TaskState.QUEUED})
    await harness.store.update_task(done, requeued)
    with pytest.raises(VersionConflict):
        await harness.store.update_task(stale, stale)
    await harness.make_searchable()

    outcome = await harness.store.archive_finished(finished_before=T0 + timedelta(hours=1), at=T0, limit=10)

    assert outcome.archived == 0
    assert (await harness.store.get_task("q", "t")).state is TaskState.QUEUED
