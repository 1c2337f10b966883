"""The sweep hand that keeps servers' contended claims on disjoint arcs, and in-flight reservations."""

from datetime import UTC, datetime, timedelta
from random import Random

from app.domain.states import TaskState
from app.domain.task import Metadata, Task
from app.storage.elasticsearch.claim_sweep import SweepHand, ring_place
from app.storage.elasticsearch.claims_in_flight import ClaimsInFlight

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def task(task_id: str, *, queue: str = "q") -> Task:
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
        metadata=Metadata(created_at=NOW, modified_at=NOW),
    )


def test_a_task_has_the_same_place_on_the_ring_for_every_server() -> None:
    assert ring_place(task("abc")) == ring_place(task("abc", queue="other"))
    assert ring_place(task("abc")) != ring_place(task("abd"))


def test_the_hand_moves_just_past_what_it_won_so_the_next_claim_starts_after_it() -> None:
    hand = SweepHand(Random(1))
    tasks = sorted((task(f"t{number}") for number in range(50)), key=hand.distance)
    hand.passed(tasks[:10])
    assert sorted(tasks, key=hand.distance)[:40] == tasks[10:]


def test_two_hands_that_start_apart_take_disjoint_windows_as_they_sweep() -> None:
    tasks = [task(f"t{number}") for number in range(2_000)]
    first, second = SweepHand(Random(3)), SweepHand(Random(3))
    first.jump()  # same seed, so the second hand starts where the first started
    taken: list[set[str]] = [set(), set()]
    for _ in range(5):
        for hand, mine in zip((first, second), taken, strict=True):
            left = [item for item in tasks if item.id not in taken[0] | taken[1]]
            window = sorted(left, key=hand.distance)[:20]
            mine.update(item.id for item in window)
            hand.passed(window)
    assert not taken[0] & taken[1]
    assert len(taken[0]) == len(taken[1]) == 100


def test_concurrent_claims_on_one_store_reserve_disjoint_windows_until_released() -> None:
    in_flight = ClaimsInFlight(random=Random(0))
    hits = [task(f"t{number}") for number in range(6)]
    first, rest = in_flight.next_window(hits, wanted=2)
    second, _ = in_flight.next_window(hits, wanted=2)
    assert [item.id for item in first] == ["t0", "t1"]
    assert [item.id for item in rest] == [item.id for item in hits[2:]]
    assert [item.id for item in second] == ["t2", "t3"]
    assert sorted(in_flight.ids(("q",))["q"]) == ["t0", "t1", "t2", "t3"]
    in_flight.release(first)
    assert not in_flight.holds(hits[0])
    assert in_flight.holds(hits[2])
    assert in_flight.ids(("other",)) == {}
