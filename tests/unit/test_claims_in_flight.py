"""In-flight reservations: concurrent claims on one store write disjoint windows."""

from datetime import UTC, datetime, timedelta

from app.domain.states import TaskState
from app.domain.task import Metadata, Task
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


def test_concurrent_claims_on_one_store_reserve_disjoint_windows_until_released() -> None:
    in_flight = ClaimsInFlight()
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
