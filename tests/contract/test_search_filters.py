"""Search filters beyond the basics, every sort with pagination, and cursors bound to their sort, on
every backend. Expectations are computed from the tasks as stored, so both backends must agree."""

from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import product
from typing import Any

import pytest

from app.domain.backoff import BackoffPolicy
from app.domain.errors import InvalidInput
from app.domain.queries import SortOrder, TaskQuery, TaskSort, TimeField, TimeRange
from app.domain.states import FINISHED_STATES, TaskState
from app.domain.task import Claimant, Task
from tests.contract.conftest import T0, StoreHarness, queued_task


def _at(seconds: int) -> datetime:
    return T0 + timedelta(seconds=seconds)


_PLAN: list[tuple[str, str, int, int, dict[str, object] | None]] = [
    # id, queue, run_at (s), priority, args; created at index seconds
    ("t0", "a", 50, 5, {"path": "/srv/reports", "title": "Quarterly Report"}),
    ("t1", "b", 40, 1, {"user": "alice"}),
    ("t2", "a", 40, 5, {"user": "bob"}),
    ("t3", "b", 30, 3, None),
    ("t4", "a", 20, 1, {"note": "nothing here"}),
    ("t5", "b", 10, 5, {"user": "carol"}),
]
W = Claimant(worker_id="w")


async def _update(harness: StoreHarness, queue: str, task_id: str, change: Callable[[Task], Task]) -> None:
    current = await harness.store.get_task(queue, task_id)
    await harness.store.update_task(current, change(current))


async def _seed(harness: StoreHarness) -> list[Task]:
    """t0 dead (disk quota), t1 done (uploaded), t2 failed (upstream timeout, waiting for a retry),
    t3 cancelled, t4 claimed, t5 queued; every change at its own second."""
    tasks = [
        queued_task(
            task_id, queue=queue, run_at=_at(index), args=args, retry_times=0 if index == 0 else 2
        ).model_copy(update={"run_at": _at(run_at), "priority": priority})
        for index, (task_id, queue, run_at, priority, args) in enumerate(_PLAN)
    ]
    await harness.store.create_tasks(tasks)

    def claim_at(seconds: int) -> Callable[[Task], Task]:
        return lambda task: task.claim(worker_id="w", at=_at(seconds), lease_token=f"l{seconds}")

    def failed_at(seconds: int, failure: dict[str, object]) -> Callable[[Task], Task]:
        return lambda task: task.mark_failed(
            W, at=_at(seconds), data=failure, backoff=BackoffPolicy(), jitter=0.5
        )

    await _update(harness, "a", "t0", claim_at(100))
    await _update(harness, "a", "t0", failed_at(105, {"error": "Disk quota EXCEEDED", "code": 28}))
    await _update(harness, "b", "t1", claim_at(110))
    done = {"rows": 42, "status": "Uploaded to the bucket"}
    await _update(harness, "b", "t1", lambda task: task.mark_done(W, at=_at(120), data=done))
    await _update(harness, "a", "t2", claim_at(130))
    await _update(harness, "a", "t2", failed_at(140, {"error": "timeout talking to upstream"}))
    await _update(harness, "b", "t3", lambda task: task.cancel(at=_at(150), reason="not needed"))
    await _update(harness, "a", "t4", claim_at(160))
    await harness.make_searchable()
    stored = await harness.store.get_tasks([(queue, task_id) for task_id, queue, *_ in _PLAN])
    assert [task.state for task in stored if isinstance(task, Task)] == [
        TaskState.DEAD,
        TaskState.DONE,
        TaskState.FAILED,
        TaskState.CANCELLED,
        TaskState.CLAIMED,
        TaskState.QUEUED,
    ]
    return [task for task in stored if isinstance(task, Task)]


async def _ids(harness: StoreHarness, query: TaskQuery) -> list[str]:
    page = await harness.store.search_tasks(query, limit=50, cursor=None)
    return [task.id for task in page.tasks]


async def _pages(harness: StoreHarness, query: TaskQuery, *, limit: int) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor: str | None = None
    while True:
        page = await harness.store.search_tasks(query, limit=limit, cursor=cursor)
        pages.append([task.id for task in page.tasks])
        if page.next_cursor is None:
            return pages
        cursor = page.next_cursor


def _newest_first(tasks: list[Task], keep: Callable[[Task], bool]) -> list[str]:
    chosen = sorted((task for task in tasks if keep(task)), key=lambda task: (task.queue, task.id))
    return [task.id for task in sorted(chosen, key=lambda task: task.metadata.created_at, reverse=True)]


_SORT_KEYS: dict[TaskSort, Callable[[Task], Any]] = {
    TaskSort.CREATED: lambda task: task.metadata.created_at,
    TaskSort.RUN_AT: lambda task: task.run_at,
    TaskSort.PRIORITY: lambda task: task.priority,
    TaskSort.FINISHED: lambda task: task.metadata.modified_at,
}


def _sorted_ids(tasks: list[Task], sort: TaskSort, order: SortOrder) -> list[str]:
    by_queue_and_id = sorted(tasks, key=lambda task: (task.queue, task.id))
    # sorted() is stable with reverse=True too, so ties keep queue, id ascending.
    ordered = sorted(by_queue_and_id, key=_SORT_KEYS[sort], reverse=order is SortOrder.DESC)
    return [task.id for task in ordered]


async def test_time_ranges_on_run_at_claimed_and_finished(harness: StoreHarness) -> None:
    tasks = await _seed(harness)

    def between(start: int, end: int, moment: Callable[[Task], datetime | None]) -> Callable[[Task], bool]:
        def keep(task: Task) -> bool:
            found = moment(task)
            return found is not None and _at(start) <= found < _at(end)

        return keep

    def claimed_at(task: Task) -> datetime | None:
        return task.last_claimed.claimed_at if task.last_claimed else None

    def finished_at(task: Task) -> datetime | None:
        return task.metadata.modified_at if task.state in FINISHED_STATES else None

    run_at = await _ids(harness, TaskQuery(time_ranges=(TimeRange(TimeField.RUN_AT, _at(20), _at(40)),)))
    claimed = await _ids(harness, TaskQuery(time_ranges=(TimeRange(TimeField.CLAIMED, _at(110), _at(160)),)))
    finished = await _ids(
        harness, TaskQuery(time_ranges=(TimeRange(TimeField.FINISHED, _at(100), _at(150)),))
    )
    finished_since = await _ids(
        harness, TaskQuery(time_ranges=(TimeRange(TimeField.FINISHED, after=_at(150)),))
    )
    claimed_before = await _ids(
        harness, TaskQuery(time_ranges=(TimeRange(TimeField.CLAIMED, before=_at(110)),))
    )

    assert run_at == _newest_first(tasks, between(20, 40, lambda task: task.run_at)) == ["t4", "t3"]
    assert claimed == _newest_first(tasks, between(110, 160, claimed_at)) == ["t2", "t1"]
    # t2 failed at 140 but waits for a retry: not finished.
    assert finished == _newest_first(tasks, between(100, 150, finished_at)) == ["t1", "t0"]
    assert finished_since == ["t3"]
    assert claimed_before == ["t0"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (TaskQuery(error_text="disk quota"), ["t0"]),
        (TaskQuery(error_text="EXCEEDED"), ["t0"]),
        (TaskQuery(error_text="upstream"), ["t2"]),
        (TaskQuery(error_text="alice"), []),
        (TaskQuery(text="alice"), ["t1"]),
        (TaskQuery(text="uploaded"), ["t1"]),
        (TaskQuery(text="Quota"), ["t0"]),
        (TaskQuery(text="quarterly report"), ["t0"]),
        (TaskQuery(text="user"), ["t5", "t2", "t1"]),
        (TaskQuery(text="user", queues=("a",)), ["t2"]),
        (TaskQuery(text="nobody"), []),
    ],
)
async def test_error_text_and_free_text(harness: StoreHarness, query: TaskQuery, expected: list[str]) -> None:
    await _seed(harness)

    assert await _ids(harness, query) == expected


@pytest.mark.parametrize(("sort", "order"), list(product(TaskSort, SortOrder)))
async def test_every_sort_pages_through_everything_in_order(
    harness: StoreHarness, sort: TaskSort, order: SortOrder
) -> None:
    tasks = await _seed(harness)

    pages = await _pages(harness, TaskQuery(sort=sort, order=order), limit=4)

    assert pages[0] == _sorted_ids(tasks, sort, order)[:4]
    assert [task_id for page in pages for task_id in page] == _sorted_ids(tasks, sort, order)
    assert [len(page) for page in pages] == [4, 2]


async def test_sorted_pages_cover_the_archive_when_asked(harness: StoreHarness) -> None:
    tasks = await _seed(harness)
    await harness.store.archive_finished(finished_before=_at(1000), at=_at(1000), limit=10)
    await harness.make_searchable()
    live = [task for task in tasks if task.state not in FINISHED_STATES]

    live_pages = await _pages(harness, TaskQuery(sort=TaskSort.RUN_AT, order=SortOrder.ASC), limit=2)
    all_pages = await _pages(
        harness, TaskQuery(sort=TaskSort.RUN_AT, order=SortOrder.ASC, include_archive=True), limit=2
    )
    archived_quota = await _ids(harness, TaskQuery(text="quota", include_archive=True))
    live_quota = await _ids(harness, TaskQuery(text="quota"))
    finished = await _ids(
        harness, TaskQuery(time_ranges=(TimeRange(TimeField.FINISHED, after=_at(100)),), include_archive=True)
    )

    assert [task_id for page in live_pages for task_id in page] == _sorted_ids(
        live, TaskSort.RUN_AT, SortOrder.ASC
    )
    assert [task_id for page in all_pages for task_id in page] == _sorted_ids(
        tasks, TaskSort.RUN_AT, SortOrder.ASC
    )
    assert (archived_quota, live_quota) == (["t0"], [])
    assert finished == ["t3", "t1", "t0"]


async def test_a_cursor_only_continues_its_own_sort(harness: StoreHarness) -> None:
    await _seed(harness)
    page = await harness.store.search_tasks(TaskQuery(sort=TaskSort.RUN_AT), limit=2, cursor=None)
    assert page.next_cursor is not None

    with pytest.raises(InvalidInput, match="sort run_at desc, not priority desc"):
        await harness.store.search_tasks(TaskQuery(sort=TaskSort.PRIORITY), limit=2, cursor=page.next_cursor)
    with pytest.raises(InvalidInput, match="not run_at asc"):
        await harness.store.search_tasks(
            TaskQuery(sort=TaskSort.RUN_AT, order=SortOrder.ASC), limit=2, cursor=page.next_cursor
        )
    with pytest.raises(InvalidInput, match="not one this server handed out"):
        await harness.store.search_tasks(TaskQuery(), limit=2, cursor="bm90IGEgY3Vyc29y")


def test_an_empty_time_range_is_refused() -> None:
    with pytest.raises(InvalidInput, match="finished_after must not be later than finished_before"):
        TaskQuery(time_ranges=(TimeRange(TimeField.FINISHED, _at(2), _at(1)),))
    assert TaskQuery(time_ranges=(TimeRange(TimeField.RUN_AT, _at(1), _at(1)),)).time_ranges[0].after == _at(
        1
    )
