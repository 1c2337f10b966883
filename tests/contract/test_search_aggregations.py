"""Search aggregations and queue throughput, on every backend (see ``app.domain.aggregations``)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from app.domain.aggregations import (
    MAX_TERMS_BUCKETS,
    AggregationName,
    AggregationRequest,
    MinuteWindow,
    TaskAggregations,
    TermsAggregation,
    TermsBucket,
)
from app.domain.backoff import BackoffPolicy
from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from tests.contract.conftest import T0, StoreHarness, queued_task

OWNER = Claimant(worker_id="w1")
BACKOFF = BackoffPolicy(base=timedelta(minutes=1), max=timedelta(minutes=1), jitter=0)
EVERY = frozenset(AggregationName)
WINDOW = MinuteWindow(T0, T0 + timedelta(minutes=5))
Change = Callable[[Task, datetime], Task]


def _claimed(task: Task, at: datetime) -> Task:
    return task.claim(worker_id=OWNER.worker_id, at=at, lease_token="lease")


def _done(task: Task, at: datetime) -> Task:
    return _claimed(task, at).mark_done(OWNER, at=at, data=None)


def _failed(data: dict[str, object] | None) -> Change:
    def change(task: Task, at: datetime) -> Task:
        return _claimed(task, at).mark_failed(OWNER, at=at, data=data, backoff=BACKOFF, jitter=0)

    return change


def _timed_out(task: Task, at: datetime) -> Task:
    return _claimed(task, at).time_out(at=at, backoff=BACKOFF, jitter=0)


def _cancelled(task: Task, at: datetime) -> Task:
    return task.cancel(at=at, reason="no longer needed")


def _task(task_id: str, queue: str, kind: str, *, retry_times: int = 2) -> Task:
    return queued_task(task_id, queue=queue, retry_times=retry_times).model_copy(update={"kind": kind})


async def _seed(harness: StoreHarness) -> None:
    """Queue a: queued, done at 2:30, failed (ValueError) at 1:20. Queue b: dead (a bare error message)
    at 3:05, dead (timed out) at 3:30, cancelled at 4:00. Queue c: done at 2:00, then archived."""
    plan: list[tuple[Task, Change | None, timedelta]] = [
        (_task("a1", "a", "email"), None, timedelta(0)),
        (_task("a2", "a", "email"), _done, timedelta(minutes=2, seconds=30)),
        (
            _task("a3", "a", "report"),
            _failed({"error_type": "ValueError", "error": "bad"}),
            timedelta(minutes=1, seconds=20),
        ),
        (
            _task("b1", "b", "report", retry_times=0),
            _failed({"error": "boom"}),
            timedelta(minutes=3, seconds=5),
        ),
        (_task("b2", "b", "email", retry_times=0), _timed_out, timedelta(minutes=3, seconds=30)),
        (_task("b3", "b", "sms"), _cancelled, timedelta(minutes=4)),
        (_task("c1", "c", "email"), _done, timedelta(minutes=2)),
    ]
    await harness.store.create_tasks([task for task, _, _ in plan])
    for task, change, after in plan:
        if change is not None:
            stored = await harness.store.get_task(task.queue, task.id)
            await harness.store.update_task(stored, change(stored, T0 + after))
    # Archiving finds finished tasks by search: on a search engine, only once the changes are refreshed.
    await harness.make_searchable()
    await harness.store.archive_finished(
        finished_before=T0 + timedelta(minutes=2), at=T0 + timedelta(minutes=10), limit=10
    )
    await harness.make_searchable()


async def _aggregate(
    harness: StoreHarness,
    query: TaskQuery,
    *,
    window: MinuteWindow = WINDOW,
    terms_size: int = MAX_TERMS_BUCKETS,
) -> TaskAggregations:
    request = AggregationRequest(names=EVERY, window=window, terms_size=terms_size)
    return await harness.store.aggregate_tasks(query, request)


def _terms(*buckets: tuple[str, int], other: int = 0) -> TermsAggregation:
    return TermsAggregation([TermsBucket(key, count) for key, count in buckets], other)


def _minutes(found: TaskAggregations) -> list[tuple[int, dict[TaskState, int]]]:
    assert found.finished_per_minute is not None
    return [
        ((bucket.start - T0) // timedelta(minutes=1), bucket.counts) for bucket in found.finished_per_minute
    ]


async def test_every_aggregation_over_live_tasks(harness: StoreHarness) -> None:
    await _seed(harness)

    found = await _aggregate(harness, TaskQuery())

    assert found.queue_state == TermsAggregation(
        [
            TermsBucket("a", 3, {TaskState.QUEUED: 1, TaskState.DONE: 1, TaskState.FAILED: 1}),
            TermsBucket("b", 3, {TaskState.DEAD: 2, TaskState.CANCELLED: 1}),
        ],
        0,
    )
    assert found.kind == _terms(("email", 3), ("report", 2), ("sms", 1))
    assert found.error_class == _terms(("ValueError", 1), ("timed_out", 1), ("unclassified", 1))
    assert _minutes(found) == [
        (0, {}),
        (1, {TaskState.FAILED: 1}),
        (2, {TaskState.DONE: 1}),
        (3, {TaskState.DEAD: 2}),
        (4, {TaskState.CANCELLED: 1}),
    ]


async def test_aggregations_include_archived_tasks_when_asked(harness: StoreHarness) -> None:
    await _seed(harness)

    found = await _aggregate(harness, TaskQuery(include_archive=True))

    assert found.queue_state is not None
    assert [(bucket.key, bucket.count) for bucket in found.queue_state.buckets] == [
        ("a", 3),
        ("b", 3),
        ("c", 1),
    ]
    assert found.queue_state.buckets[2].states == {TaskState.DONE: 1}
    assert found.kind == _terms(("email", 4), ("report", 2), ("sms", 1))
    assert _minutes(found)[2] == (2, {TaskState.DONE: 2})


async def test_aggregations_follow_the_filters(harness: StoreHarness) -> None:
    await _seed(harness)

    found = await _aggregate(harness, TaskQuery(queues=("b",), kinds=("email", "report")))

    assert found.queue_state == TermsAggregation([TermsBucket("b", 2, {TaskState.DEAD: 2})], 0)
    assert found.kind == _terms(("email", 1), ("report", 1))
    assert found.error_class == _terms(("timed_out", 1), ("unclassified", 1))
    assert [counts for _, counts in _minutes(found)] == [{}, {}, {}, {TaskState.DEAD: 2}, {}]


async def test_terms_are_capped_and_the_rest_counted_as_other(harness: StoreHarness) -> None:
    await _seed(harness)

    found = await _aggregate(harness, TaskQuery(), terms_size=2)

    assert found.queue_state is not None
    assert [bucket.key for bucket in found.queue_state.buckets] == ["a", "b"]
    assert found.queue_state.other == 0
    assert found.kind == _terms(("email", 3), ("report", 2), other=1)
    assert found.error_class == _terms(("ValueError", 1), ("timed_out", 1), other=1)
    capped_queues = await _aggregate(harness, TaskQuery(include_archive=True), terms_size=1)
    assert capped_queues.queue_state is not None
    assert [bucket.key for bucket in capped_queues.queue_state.buckets] == ["a"]
    assert capped_queues.queue_state.other == 4


async def test_the_default_cap_keeps_the_largest_buckets(harness: StoreHarness) -> None:
    kinds = [f"k{index:03}" for index in range(MAX_TERMS_BUCKETS + 1)]
    tasks = [_task(f"t{index}", "q", kind) for index, kind in enumerate(kinds)] + [
        _task("extra", "q", "k100")
    ]
    await harness.store.create_tasks(tasks)
    await harness.make_searchable()

    found = await _aggregate(harness, TaskQuery())

    assert found.kind is not None
    assert len(found.kind.buckets) == MAX_TERMS_BUCKETS
    assert found.kind.buckets[0] == TermsBucket("k100", 2)
    assert [bucket.key for bucket in found.kind.buckets[1:]] == kinds[: MAX_TERMS_BUCKETS - 1]
    assert found.kind.other == 1


async def test_finished_per_minute_covers_exactly_the_window(harness: StoreHarness) -> None:
    await _seed(harness)

    later = await _aggregate(
        harness, TaskQuery(), window=MinuteWindow(T0 + timedelta(minutes=3), T0 + timedelta(minutes=4))
    )
    empty = await _aggregate(harness, TaskQuery(), window=MinuteWindow(T0, T0))

    assert _minutes(later) == [(3, {TaskState.DEAD: 2})]
    assert empty.finished_per_minute == []


async def test_only_the_named_aggregations_are_answered(harness: StoreHarness) -> None:
    await _seed(harness)
    request = AggregationRequest(names=frozenset({AggregationName.KIND}), window=WINDOW)

    found = await harness.store.aggregate_tasks(TaskQuery(), request)

    assert found == TaskAggregations(kind=_terms(("email", 3), ("report", 2), ("sms", 1)))


async def test_finished_counts_per_queue_and_cut_off_include_archived_tasks(harness: StoreHarness) -> None:
    await _seed(harness)
    recent, earlier = T0 + timedelta(minutes=3), T0 + timedelta(minutes=1)

    finished = await harness.store.finished_counts(since=[recent, earlier])

    counted = {(entry.queue, entry.since): entry.counts for entry in finished if entry.counts}
    assert counted == {
        ("a", earlier): {TaskState.DONE: 1, TaskState.FAILED: 1},
        ("b", earlier): {TaskState.DEAD: 2, TaskState.CANCELLED: 1},
        ("b", recent): {TaskState.DEAD: 2, TaskState.CANCELLED: 1},
        ("c", earlier): {TaskState.DONE: 1},
    }
    assert await harness.store.finished_counts(since=[T0 + timedelta(minutes=5)]) == []
