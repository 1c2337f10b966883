"""The registry of tasks a search-engine store just took, which its claim search must pass over."""

from datetime import UTC, datetime, timedelta
from random import Random

from app.domain.states import TaskState
from app.domain.task import Metadata, Task, Version
from app.storage.elasticsearch.claim import sample_spread
from app.storage.elasticsearch.engine import EngineError
from app.storage.elasticsearch.errors import shards_starting
from app.storage.elasticsearch.recent_writes import RecentWrites, hidden_clauses

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def task(task_id: str, *, seq_no: int, queue: str = "q") -> Task:
    return Task(
        id=task_id,
        queue=queue,
        retry_times=1,
        attempted=0,
        kind="k",
        priority=0,
        state=TaskState.QUEUED,
        processing_timeout=timedelta(minutes=1),
        run_at=NOW,
        last_enqueued_at=NOW,
        metadata=Metadata(created_at=NOW, modified_at=NOW, version=Version(seq_num=seq_no, primary_term=1)),
    )


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_taken_tasks_are_hidden_per_queue_until_the_horizon_passes() -> None:
    clock = Clock()
    writes = RecentWrites(horizon_seconds=5, monotonic=clock)
    writes.taken(task("a", seq_no=4))
    writes.taken(task("b", seq_no=7, queue="other"))
    assert writes.hidden(("q",)) == {"q": ["a"]}
    assert writes.hidden(()) == {"q": ["a"], "other": ["b"]}
    clock.now = 5.5
    assert writes.hidden(()) == {}


def test_a_hit_older_than_a_remembered_write_is_stale_and_a_newer_one_is_not() -> None:
    writes = RecentWrites(monotonic=Clock())
    writes.taken(task("a", seq_no=4))
    assert writes.is_stale(task("a", seq_no=3))
    assert not writes.is_stale(task("a", seq_no=4))
    writes.lost(task("b", seq_no=9))  # someone else wrote b after version 9
    assert writes.is_stale(task("b", seq_no=9))
    writes.released([task("a", seq_no=5)])
    assert not writes.is_stale(task("a", seq_no=3))
    assert writes.hidden(("q",)) == {"q": ["b"]}


def test_searches_leave_out_only_recent_writes_and_those_a_search_has_shown_stale() -> None:
    clock = Clock()
    writes = RecentWrites(horizon_seconds=5, hide_seconds=2, monotonic=clock)
    writes.taken(task("a", seq_no=4))
    clock.now = 1.0
    writes.taken(task("b", seq_no=6))
    clock.now = 2.5
    writes.taken(task("c", seq_no=8))
    assert writes.hidden(("q",)) == {"q": ["b", "c"]}  # a is older than two seconds
    assert writes.is_stale(task("a", seq_no=3))  # but still known

    fresh = writes.without_stale([task("a", seq_no=3), task("d", seq_no=2), task("c", seq_no=8)])

    assert [found.id for found in fresh] == ["d", "c"]
    assert sorted(writes.hidden(("q",))["q"]) == ["a", "b", "c"]  # a search showed a stale: left out
    clock.now = 5.5
    assert writes.hidden(()) == {}  # a is past the horizon, b and c past the two seconds
    assert not writes.is_stale(task("a", seq_no=3))
    assert writes.is_stale(task("b", seq_no=5))


def test_capacity_forgets_the_oldest_first() -> None:
    writes = RecentWrites(capacity=2, monotonic=Clock())
    for number in range(3):
        writes.taken(task(f"t{number}", seq_no=1))
    assert writes.hidden(()) == {"q": ["t1", "t2"]}


def test_hidden_clauses_match_ids_within_their_own_queue_only() -> None:
    assert hidden_clauses({"r": ["c"], "q": ["b", "a"]}) == [
        {"bool": {"filter": [{"term": {"queue": "q"}}, {"ids": {"values": ["b", "a"]}}]}},
        {"bool": {"filter": [{"term": {"queue": "r"}}, {"ids": {"values": ["c"]}}]}},
    ]


def test_only_searches_that_no_shard_answered_count_as_a_starting_index() -> None:
    no_shard = {"type": "search_phase_execution_exception", "root_cause": [], "failed_shards": []}
    failed = {**no_shard, "root_cause": [{"type": "query_shard_exception"}], "failed_shards": [{"shard": 0}]}
    assert shards_starting(EngineError(503, {"error": no_shard}))
    assert shards_starting(EngineError(500, {"error": no_shard}))
    assert not shards_starting(EngineError(400, {"error": failed}))
    assert not shards_starting(EngineError(503, {"error": failed}))
    assert not shards_starting(EngineError(503, "Service Unavailable"))


def test_a_lost_write_makes_the_store_contended_for_a_while() -> None:
    clock = Clock()
    writes = RecentWrites(horizon_seconds=1, contention_seconds=5, monotonic=clock)
    assert not writes.contended()
    writes.lost(task("a", seq_no=1))
    clock.now = 5.0
    assert writes.contended()
    clock.now = 5.1
    assert not writes.contended()


def test_a_contended_first_window_samples_the_best_priority_and_keeps_the_rest_in_order() -> None:
    best = [task(f"b{number}", seq_no=1).model_copy(update={"priority": 5}) for number in range(20)]
    rest = [task(f"r{number}", seq_no=1) for number in range(5)]
    spread = sample_spread([*best, *rest], random=Random(7))
    assert {item.id for item in spread[:20]} == {item.id for item in best}
    assert [item.id for item in spread[:20]] != [item.id for item in best]
    assert spread[20:] == rest


def test_a_window_passes_over_candidates_this_store_wrote_after_they_were_found() -> None:
    writes = RecentWrites(monotonic=Clock())
    searched = [task(name, seq_no=3) for name in ("a", "b", "c", "d")]
    writes.taken(task("b", seq_no=8))  # another claim here took "b" after the search

    picked, remaining = writes.in_flight.next_window(searched, wanted=2)

    assert [found.id for found in picked] == ["a", "c"]
    assert [found.id for found in remaining] == ["d"]


def test_only_losses_to_other_writers_count_as_contention() -> None:
    writes = RecentWrites(monotonic=Clock())
    writes.taken(task("a", seq_no=8))

    writes.lost(task("a", seq_no=3))  # lost to this store's own later write
    assert not writes.contended()

    writes.lost(task("b", seq_no=3))  # lost to someone else
    assert writes.contended()
