"""In-flight reservations: concurrent claims on one store write disjoint windows."""

from app.storage.elasticsearch.claims_in_flight import ClaimsInFlight
from tests.contract.conftest import queued_task


def test_concurrent_claims_on_one_store_reserve_disjoint_windows_until_released() -> None:
    in_flight = ClaimsInFlight()
    hits = [queued_task(f"t{number}") for number in range(6)]
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
