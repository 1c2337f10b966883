"""Task listing with filters and keyset pagination, on every backend."""

from datetime import timedelta

from app.domain.queries import TaskQuery, TimeField, TimeRange
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from tests.contract.conftest import T0, StoreHarness, queued_task


async def _seed(harness: StoreHarness) -> None:
    tasks = [
        queued_task(f"t{index}", queue="a" if index % 2 else "b", run_at=T0 + timedelta(seconds=index))
        for index in range(7)
    ]
    await harness.store.create_tasks(tasks)
    first = await harness.store.get_task("a", "t1")
    claimed = await harness.store.update_task(first, first.claim(worker_id="w9", at=T0, lease_token="l"))
    await harness.store.update_task(claimed, claimed.mark_done(Claimant(worker_id="w9"), at=T0, data=None))
    await harness.make_searchable()


async def _all_pages(harness: StoreHarness, query: TaskQuery, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = await harness.store.search_tasks(query, limit=limit, cursor=cursor)
        pages.append([task.id for task in page.tasks])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


async def test_pages_cover_everything_newest_first_without_overlap(harness: StoreHarness) -> None:
    await _seed(harness)

    pages = await _all_pages(harness, TaskQuery(), limit=3)

    assert pages == [["t6", "t5", "t4"], ["t3", "t2", "t1"], ["t0"]]


async def test_filters_combine(harness: StoreHarness) -> None:
    await _seed(harness)

    by_queue = await harness.store.search_tasks(TaskQuery(queues=("a",)), limit=10, cursor=None)
    done = await harness.store.search_tasks(TaskQuery(states=(TaskState.DONE,)), limit=10, cursor=None)
    by_worker = await harness.store.search_tasks(TaskQuery(worker_id="w9"), limit=10, cursor=None)
    window = await harness.store.search_tasks(
        TaskQuery(
            queues=("b",),
            time_ranges=(TimeRange(TimeField.CREATED, T0 + timedelta(seconds=2), T0 + timedelta(seconds=6)),),
        ),
        limit=10,
        cursor=None,
    )

    assert [task.id for task in by_queue.tasks] == ["t5", "t3", "t1"]
    assert [task.id for task in done.tasks] == ["t1"]
    assert [task.id for task in by_worker.tasks] == ["t1"]
    assert [task.id for task in window.tasks] == ["t4", "t2"]
    assert by_queue.next_cursor is None


async def test_archived_tasks_are_listed_only_when_asked(harness: StoreHarness) -> None:
    await _seed(harness)
    await harness.store.archive_finished(finished_before=T0 + timedelta(hours=1), at=T0, limit=10)
    await harness.make_searchable()

    live = await harness.store.search_tasks(TaskQuery(queues=("a",)), limit=10, cursor=None)
    everything = await harness.store.search_tasks(
        TaskQuery(queues=("a",), include_archive=True), limit=10, cursor=None
    )

    assert [task.id for task in live.tasks] == ["t5", "t3"]
    assert [task.id for task in everything.tasks] == ["t5", "t3", "t1"]
    archived = everything.tasks[-1]
    assert isinstance(archived, Task)
    assert archived.state is TaskState.DONE


async def test_queue_stats_count_states_and_find_the_oldest_due_task(harness: StoreHarness) -> None:
    await _seed(harness)

    stats = {entry.queue: entry for entry in await harness.store.queue_stats()}

    assert set(stats) == {"a", "b"}
    assert stats["a"].counts == {TaskState.QUEUED: 2, TaskState.DONE: 1}
    assert stats["b"].counts == {TaskState.QUEUED: 4}
    assert stats["a"].oldest_queued_run_at == T0 + timedelta(seconds=3)
    assert stats["b"].oldest_queued_run_at == T0
