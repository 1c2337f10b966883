"""Queue pausing, task counting and deletion, admin jobs and bulk actions, on every backend."""

from dataclasses import replace
from datetime import timedelta

import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.admin_jobs import AdminJob
from app.domain.errors import AdminJobNotFound, InvalidInput, InvalidTransition, TaskNotFound, VersionConflict
from app.domain.queries import SortOrder, TaskQuery, TaskSort, TimeField, TimeRange
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from app.maintenance.admin_jobs import AdminJobRunner, AdminJobSettings
from app.services.admin_service import AdminAction
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from tests.contract.conftest import T0, StoreHarness, queued_task


async def test_paused_set_round_trips_and_is_shared(harness: StoreHarness) -> None:
    assert await harness.store.paused_queues() == frozenset()
    assert await harness.store.set_queue_paused("a", paused=True) == {"a"}
    assert await harness.sibling().set_queue_paused("b", paused=True) == {"a", "b"}
    assert await harness.store.set_queue_paused("a", paused=False) == {"b"}
    assert await harness.sibling().paused_queues() == {"b"}


async def test_count_and_delete(harness: StoreHarness) -> None:
    await harness.store.create_tasks([queued_task(f"t{index}") for index in range(3)])
    await harness.make_searchable()
    assert await harness.store.count_tasks(TaskQuery(queues=("q",))) == 3
    stale = await harness.store.get_task("q", "t0")
    await harness.store.update_task(stale, stale.requeue(at=T0))

    with pytest.raises(VersionConflict):
        await harness.store.delete_task(stale)
    await harness.store.delete_task(await harness.store.get_task("q", "t0"))
    await harness.make_searchable()

    with pytest.raises(TaskNotFound):
        await harness.store.get_task("q", "t0")
    assert await harness.store.count_tasks(TaskQuery(queues=("q",))) == 2
    (reused,) = await harness.store.create_tasks([queued_task("t0")])
    assert isinstance(reused, Task)


async def test_admin_jobs_are_created_read_and_compare_and_swapped(harness: StoreHarness) -> None:
    job = AdminJob(
        id="job-1",
        action="retry",
        query=TaskQuery(
            queues=("q",), states=(TaskState.DEAD,), time_ranges=(TimeRange(TimeField.CREATED, after=T0),)
        ),
        parameters={},
        status="pending",
        created_at=T0,
        updated_at=T0,
        total=5,
    )
    created = await harness.store.create_admin_job(job)
    advanced = await harness.store.update_admin_job(
        created, replace(created, status="running", processed=2, cursor="c1")
    )

    with pytest.raises(VersionConflict):
        await harness.sibling().update_admin_job(created, replace(created, status="done"))
    with pytest.raises(AdminJobNotFound):
        await harness.store.get_admin_job("nope")

    fetched = await harness.store.get_admin_job("job-1")
    assert fetched == advanced
    assert (fetched.query, fetched.cursor, fetched.processed) == (job.query, "c1", 2)
    assert [item.id for item in await harness.store.list_admin_jobs(statuses=("running",), limit=5)] == [
        "job-1"
    ]
    assert await harness.store.list_admin_jobs(statuses=("done",), limit=5) == []


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(), clock=clock, store=harness.store)


async def _claim(components: Components, harness: StoreHarness, queues: tuple[str, ...] = ()) -> list[Task]:
    await harness.make_searchable()
    return await components.claims.claim(
        ClaimOrder(worker_id="w", queues=queues, amount=50, block_for=timedelta(0))
    )


async def test_a_paused_queue_is_never_claimed_from_but_accepts_tasks(
    harness: StoreHarness, components: Components
) -> None:
    await components.admin.pause("held", paused=True)
    await components.tasks.create_task(NewTask(queue="held", kind="k"))
    await components.tasks.create_task(NewTask(queue="open", kind="k"))

    assert [task.queue for task in await _claim(components, harness)] == ["open"]
    assert await _claim(components, harness, ("held",)) == []

    await components.admin.pause("held", paused=False)
    assert [task.queue for task in await _claim(components, harness, ("held",))] == ["held"]


async def test_retrying_a_dead_task_gives_it_fresh_attempts(
    harness: StoreHarness, components: Components
) -> None:
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="dlq", retry_times=0))
    await _claim(components, harness)
    dead = await components.tasks.mark_failed("q", "dlq", Claimant(worker_id="w"), {"error": "x"})
    assert dead.state is TaskState.DEAD

    retried = await components.admin.act_on_task(AdminAction.RETRY, "q", "dlq")

    assert retried is not None
    assert (retried.state, retried.attempted) == (TaskState.QUEUED, 0)
    with pytest.raises(InvalidTransition):
        await components.admin.act_on_task(AdminAction.RETRY, "q", "dlq")
    (again,) = await _claim(components, harness)
    assert again.attempted == 1


async def test_a_bulk_retry_job_runs_to_completion_in_batches(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    for index in range(7):
        await components.tasks.create_task(NewTask(queue="q", kind="k", id=f"d{index}", retry_times=0))
        clock.advance(timedelta(seconds=1))
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="alive"))
    for task in await _claim(components, harness, ("q",)):
        if task.id != "alive":
            await components.tasks.mark_failed("q", task.id, Claimant(worker_id="w"), None)
    await harness.make_searchable()
    query = TaskQuery(queues=("q",), states=(TaskState.DEAD,))

    preview = await components.admin.preview(AdminAction.RETRY, query, priority=None)
    job = await components.admin.start_job(AdminAction.RETRY, query, priority=None)
    runner = AdminJobRunner(harness.store, components.admin, settings=AdminJobSettings(batch_size=3))
    for _ in range(5):
        await runner.run_once()
        await harness.make_searchable()

    finished = await components.admin.get_job(job.id)
    assert (preview.count, len(preview.sample)) == (7, 7)
    assert (finished.status, finished.total, finished.processed, finished.succeeded) == ("done", 7, 7, 7)
    assert await harness.store.count_tasks(TaskQuery(queues=("q",), states=(TaskState.QUEUED,))) == 7
    assert (await harness.store.get_task("q", "alive")).state is TaskState.CLAIMED


async def test_bulk_reprioritize_needs_a_priority(components: Components) -> None:
    with pytest.raises(InvalidInput):
        await components.admin.preview(AdminAction.REPRIORITIZE, TaskQuery(), priority=None)
    with pytest.raises(InvalidInput):
        await components.admin.start_job(AdminAction.CANCEL, TaskQuery(include_archive=True), priority=None)


async def _dead_tasks(
    components: Components, harness: StoreHarness, clock: FrozenClock, failures: list[tuple[str, str]]
) -> None:
    """Task ``t<index>`` per (report, error): args {"report": report}, dead with failure {"error": error},
    created and finished a minute after the one before."""
    for index, (report, error) in enumerate(failures):
        await components.tasks.create_task(
            NewTask(queue="q", kind="k", id=f"t{index}", retry_times=0, args={"report": report})
        )
        (claimed,) = await _claim(components, harness, ("q",))
        await components.tasks.mark_failed("q", claimed.id, Claimant(worker_id="w"), {"error": error})
        clock.advance(timedelta(minutes=1))
    await harness.make_searchable()


async def _listed(harness: StoreHarness, query: TaskQuery) -> list[str]:
    page = await harness.store.search_tasks(query, limit=100, cursor=None)
    return [task.id for task in page.tasks]


FAILURES = [
    ("nightly", "disk full"),
    ("nightly", "connection timeout"),
    ("weekly", "disk full"),
    ("nightly", "disk full"),
    ("nightly", "disk full"),
    ("weekly", "connection timeout"),
]
FULL_QUERY = TaskQuery(
    queues=("q",),
    states=(TaskState.DEAD,),
    error_text="disk",
    text="nightly",
    time_ranges=(
        TimeRange(TimeField.CREATED, after=T0 + timedelta(minutes=1)),
        TimeRange(TimeField.CLAIMED, before=T0 + timedelta(minutes=10)),
        TimeRange(TimeField.FINISHED, after=T0),
        TimeRange(TimeField.RUN_AT, after=T0),
    ),
)


async def test_a_bulk_job_acts_on_exactly_the_tasks_search_lists(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _dead_tasks(components, harness, clock, FAILURES)
    queries = [
        TaskQuery(error_text="disk"),
        TaskQuery(text="nightly"),
        TaskQuery(time_ranges=(TimeRange(TimeField.FINISHED, before=T0 + timedelta(minutes=2)),)),
        TaskQuery(
            time_ranges=(TimeRange(TimeField.CLAIMED, after=T0 + timedelta(minutes=3)),), error_text="timeout"
        ),
        FULL_QUERY,
    ]
    for query in queries:
        preview = await components.admin.preview(AdminAction.RETRY, query, priority=None)
        listed = await _listed(harness, query)
        assert ([task.id for task in preview.sample], preview.count) == (listed, len(listed)), query

    expected = await _listed(harness, FULL_QUERY)
    job = await components.admin.start_job(AdminAction.RETRY, FULL_QUERY, priority=None)
    runner = AdminJobRunner(harness.store, components.admin, settings=AdminJobSettings(batch_size=1))
    for _ in range(len(expected) + 1):
        await runner.run_once()
        await harness.make_searchable()

    finished = await components.admin.get_job(job.id)
    assert expected == ["t4", "t3"]
    assert (finished.status, finished.total, finished.succeeded, finished.skipped) == ("done", 2, 2, 0)
    queued = await _listed(harness, TaskQuery(states=(TaskState.QUEUED,)))
    assert sorted(queued) == sorted(expected)


async def test_a_job_resumed_by_another_server_keeps_its_full_query(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _dead_tasks(components, harness, clock, FAILURES)
    job = await components.admin.start_job(AdminAction.RETRY, FULL_QUERY, priority=None)
    first = AdminJobRunner(harness.store, components.admin, settings=AdminJobSettings(batch_size=1))
    await first.run_once()
    await harness.make_searchable()

    # The leader dies; another server's leader reads the job back and carries on from its cursor.
    other_store = harness.sibling()
    other = build_components(Settings(), clock=clock, store=other_store)
    resumed = await other.admin.get_job(job.id)
    second = AdminJobRunner(other_store, other.admin, settings=AdminJobSettings(batch_size=1))
    for _ in range(3):
        await second.run_once()
        await harness.make_searchable()

    finished = await other.admin.get_job(job.id)
    assert resumed.query == FULL_QUERY
    assert (resumed.status, resumed.processed) == ("running", 1)
    assert (finished.status, finished.processed, finished.succeeded) == ("done", 2, 2)
    assert sorted(await _listed(harness, TaskQuery(states=(TaskState.QUEUED,)))) == ["t3", "t4"]


async def test_a_job_pages_newest_created_first_whatever_order_the_query_asks(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await _dead_tasks(components, harness, clock, FAILURES)
    # Retrying moves run_at and metadata.modified_at: a cursor over either would lose its place.
    query = replace(FULL_QUERY, sort=TaskSort.FINISHED, order=SortOrder.ASC)

    job = await components.admin.start_job(AdminAction.RETRY, query, priority=None)
    runner = AdminJobRunner(harness.store, components.admin, settings=AdminJobSettings(batch_size=1))
    for _ in range(3):
        await runner.run_once()
        await harness.make_searchable()

    assert (job.query.sort, job.query.order) == (TaskSort.CREATED, SortOrder.DESC)
    finished = await components.admin.get_job(job.id)
    assert (finished.status, finished.processed, finished.succeeded) == ("done", 2, 2)
