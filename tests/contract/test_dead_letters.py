"""Dead-letter retention through ``run_once`` with a frozen clock, and its store methods, on every backend."""

from datetime import datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry

from app.clock import FrozenClock
from app.domain.errors import TaskAlreadyExists, TaskNotFound, VersionConflict
from app.domain.states import TaskState
from app.domain.task import Metadata, Task
from app.maintenance.dead_letters import DeadLetterExpirer, DeadLetterSettings
from app.observability.metrics import TasquesMetrics
from tests.contract.conftest import T0, StoreHarness, queued_task


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


def dead_task(
    task_id: str, *, queue: str, finished_at: datetime = T0, state: TaskState = TaskState.DEAD
) -> Task:
    """A task as it is once it died (or finished otherwise) at ``finished_at``."""
    queued = queued_task(task_id, queue=queue, retry_times=0, run_at=finished_at - timedelta(minutes=5))
    metadata = Metadata(created_at=queued.metadata.created_at, modified_at=finished_at)
    return queued.model_copy(update={"state": state, "attempted": 1, "metadata": metadata})


async def create(harness: StoreHarness, *tasks: Task) -> list[Task]:
    created = await harness.store.create_tasks(tasks)
    assert all(isinstance(task, Task) for task in created)
    await harness.make_searchable()
    return [task for task in created if isinstance(task, Task)]


async def archive_everything_finished(harness: StoreHarness, *, at: datetime) -> None:
    outcome = await harness.store.archive_finished(finished_before=at, at=at, limit=100)
    assert outcome.skipped == 0
    await harness.make_searchable()


def expirer(
    harness: StoreHarness, clock: FrozenClock, metrics: TasquesMetrics | None = None, **settings: object
) -> DeadLetterExpirer:
    return DeadLetterExpirer(
        harness.store,
        settings=DeadLetterSettings.model_validate(settings),
        clock=clock,
        activity=metrics or TasquesMetrics(CollectorRegistry()),
    )


async def exists(harness: StoreHarness, queue: str, task_id: str) -> bool:
    try:
        await harness.store.get_task(queue, task_id)
    except TaskNotFound:
        return False
    return True


async def test_dead_tasks_go_once_their_retention_has_passed_and_nothing_else_does(
    harness: StoreHarness, clock: FrozenClock
) -> None:
    await create(
        harness,
        dead_task("dead", queue="a"),
        dead_task("done", queue="a", state=TaskState.DONE),
        dead_task("cancelled", queue="a", state=TaskState.CANCELLED),
        queued_task("waiting", queue="a"),
        dead_task("kept", queue="forever"),
    )
    metrics = TasquesMetrics(CollectorRegistry())
    service = expirer(harness, clock, metrics, retention="1h", queues={"forever": None})

    clock.advance(timedelta(minutes=59))
    assert (await service.run_once()).work_done == 0
    clock.advance(timedelta(minutes=1))
    result = await service.run_once()
    await harness.make_searchable()

    assert result.work_done == 1
    assert not await exists(harness, "a", "dead")
    for queue, task_id in [("a", "done"), ("a", "cancelled"), ("a", "waiting"), ("forever", "kept")]:
        assert await exists(harness, queue, task_id), task_id
    assert metrics.registry.get_sample_value("tasques_dead_tasks_expired_total", {"queue": "a"}) == 1
    # The id is free again, as after an admin delete.
    await create(harness, queued_task("dead", queue="a"))


async def test_no_retention_anywhere_keeps_every_dead_task(harness: StoreHarness, clock: FrozenClock) -> None:
    await create(harness, dead_task("old", queue="a"))
    clock.advance(timedelta(days=10_000))

    assert (await expirer(harness, clock, queues={"a": None}).run_once()).work_done == 0
    assert await exists(harness, "a", "old")


async def test_an_exact_name_wins_then_the_first_matching_pattern_then_the_default(
    harness: StoreHarness, clock: FrozenClock
) -> None:
    queues = ["orders-us", "orders-eu", "misc", "other", "payments"]
    await create(harness, *(dead_task(f"{queue}-task", queue=queue) for queue in queues))
    service = expirer(
        harness,
        clock,
        retention="4h",
        queues={"orders-*": "1h", "pay*": None, "*s*": "3h", "orders-eu": "2h"},
    )

    remaining = []
    for _ in range(5):
        clock.advance(timedelta(hours=1))
        await service.run_once()
        await harness.make_searchable()
        remaining.append([queue for queue in queues if await exists(harness, queue, f"{queue}-task")])

    assert remaining == [
        ["orders-eu", "misc", "other", "payments"],  # orders-us: orders-*, declared before *s*
        ["misc", "other", "payments"],  # orders-eu: its exact name, though orders-* is declared first
        ["other", "payments"],  # misc: *s*
        ["payments"],  # other: no pattern matches, the default
        ["payments"],  # payments: pay* (keep forever) is declared before *s*
    ]


async def test_a_dead_task_retried_after_it_was_found_is_not_deleted(
    harness: StoreHarness, clock: FrozenClock
) -> None:
    await create(harness, *(dead_task(f"t{n}", queue="a") for n in range(3)))
    clock.advance(timedelta(hours=2))
    found = await harness.store.find_dead_tasks(queue="a", finished_before=clock.now_utc(), limit=10)
    assert sorted(task.id for task in found) == ["t0", "t1", "t2"]
    retried = next(task for task in found if task.id == "t1")
    await harness.store.update_task(retried, retried.retry(at=clock.now_utc()))

    results = await harness.store.delete_tasks(found)

    outcome = {task.id: type(result) for task, result in zip(found, results, strict=True)}
    assert outcome == {"t0": Task, "t1": VersionConflict, "t2": Task}
    assert (await harness.store.get_task("a", "t1")).state is TaskState.QUEUED
    assert not await exists(harness, "a", "t0")


async def test_a_retry_the_search_has_not_seen_yet_still_wins(
    harness: StoreHarness, clock: FrozenClock
) -> None:
    _, second = await create(harness, dead_task("first", queue="a"), dead_task("second", queue="a"))
    clock.advance(timedelta(hours=2))
    # No refresh after the retry: a real Elasticsearch cluster still shows the expirer the task dead.
    await harness.store.update_task(second, second.retry(at=clock.now_utc()))

    await expirer(harness, clock, retention="1h").run_once()
    await harness.make_searchable()

    assert not await exists(harness, "a", "first")
    assert (await harness.store.get_task("a", "second")).state is TaskState.QUEUED


async def test_archived_dead_tasks_expire_too_and_their_ids_stay_taken(
    harness: StoreHarness, clock: FrozenClock
) -> None:
    await create(
        harness,
        dead_task("archived-dead", queue="a"),
        dead_task("archived-done", queue="a", state=TaskState.DONE),
    )
    await archive_everything_finished(harness, at=T0 + timedelta(minutes=1))
    assert (await harness.store.get_task("a", "archived-dead")).state is TaskState.DEAD

    clock.advance(timedelta(hours=1))
    result = await expirer(harness, clock, retention="1h").run_once()
    await harness.make_searchable()

    assert result.work_done == 1
    assert not await exists(harness, "a", "archived-dead")
    assert await exists(harness, "a", "archived-done")
    # The archiver's dedup record stays until its own window passes.
    assert isinstance(
        (await harness.store.create_tasks([queued_task("archived-dead", queue="a")]))[0], TaskAlreadyExists
    )


async def test_one_pass_removes_at_most_a_batch_live_and_archived_together(
    harness: StoreHarness, clock: FrozenClock
) -> None:
    await create(harness, *(dead_task(f"b{n}", queue="b") for n in range(3)))
    await archive_everything_finished(harness, at=T0)
    await create(harness, *(dead_task(f"a{n}", queue="a") for n in range(4)))
    clock.advance(timedelta(hours=1))
    service = expirer(harness, clock, retention="1h", batch_size=3)

    removed = []
    for _ in range(4):
        removed.append((await service.run_once()).work_done)
        await harness.make_searchable()

    assert removed == [3, 3, 1, 0]
    assert await harness.store.dead_task_queues() == []
