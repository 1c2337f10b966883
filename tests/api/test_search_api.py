"""``GET``/``POST /tasques/_search`` over HTTP: the body query answers as the parameters do, the new
filters and sorts reach the store, and bad input answers 400 with the standard error body."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.clock import FrozenClock
from tests.api.conftest import WORKER, claim, enqueue, serving_at

NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def api(clock: FrozenClock, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with serving_at(clock, tmp_path / "search.db") as client:
        yield client


def _iso(moment: datetime) -> str:
    return moment.isoformat()


async def _seed(api: httpx.AsyncClient, clock: FrozenClock) -> None:
    """a (priority 1), b (priority 3, done: "Uploaded"), c (priority 2, failed: "Disk quota"), one
    minute apart."""
    for task_id, priority in (("a", 1), ("b", 3), ("c", 2)):
        await enqueue(api, id=task_id, priority=priority, args={"owner": f"user-{task_id}"})
        clock.advance(timedelta(minutes=1))
    for task_id, outcome, data in (
        ("b", "done", {"note": "Uploaded"}),
        ("c", "failed", {"error": "Disk quota"}),
    ):
        (claimed,) = await claim(api)
        assert claimed["id"] == task_id
        response = await api.put(f"/tasques/{outcome}/q/{task_id}", json={"data": data}, headers=WORKER)
        assert response.status_code == 200, response.text
        clock.advance(timedelta(minutes=1))


def _ids(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [task["id"] for task in response.json()["tasks"]]


async def test_post_answers_what_get_answers(api: httpx.AsyncClient, clock: FrozenClock) -> None:
    await _seed(api, clock)

    got = await api.get("/tasques/_search", params={"queue": "q", "sort": "priority", "aggs": "kind"})
    posted = await api.post("/tasques/_search", json={"queue": ["q"], "sort": "priority", "aggs": ["kind"]})
    everything = await api.post("/tasques/_search", json={})

    assert got.json() == posted.json()
    assert _ids(posted) == ["b", "c", "a"]
    assert posted.json()["aggregations"]["kind"]["buckets"] == [{"key": "k", "count": 3}]
    assert _ids(everything) == ["c", "b", "a"]


async def test_post_pages_with_sort_and_cursor(api: httpx.AsyncClient, clock: FrozenClock) -> None:
    await _seed(api, clock)
    query = {"sort": "priority", "order": "asc", "limit": 2}

    first = await api.post("/tasques/_search", json=query)
    second = await api.post("/tasques/_search", json=query | {"cursor": first.json()["next_cursor"]})

    assert (_ids(first), _ids(second)) == (["a", "c"], ["b"])
    assert second.json()["next_cursor"] is None


async def test_new_filters_on_both_methods(api: httpx.AsyncClient, clock: FrozenClock) -> None:
    await _seed(api, clock)
    finished = {"finished_after": _iso(NOW), "finished_before": _iso(NOW + timedelta(hours=1))}
    claimed = {"claimed_after": _iso(NOW + timedelta(minutes=4))}

    for filters, expected in (
        (finished, ["b"]),
        (claimed, ["c"]),
        ({"run_at_before": _iso(NOW + timedelta(minutes=1))}, ["a"]),
        ({"error_text": "disk QUOTA"}, ["c"]),
        ({"text": "uploaded"}, ["b"]),
        ({"text": "user-a"}, ["a"]),
        ({"text": "  "}, ["c", "b", "a"]),
    ):
        assert _ids(await api.get("/tasques/_search", params=filters)) == expected, filters
        assert _ids(await api.post("/tasques/_search", json=filters)) == expected, filters


async def _problem(response: httpx.Response) -> str:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["error"] == "invalid_input", body
    message: str = body["message"]
    return message


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"sort": "size"}, "sort"),
        ({"order": "sideways"}, "order"),
        ({"run_at_after": "yesterday"}, "run_at_after"),
        ({"claimed_after": "2026-01-01T00:00:00"}, "claimed_after must be an RFC 3339 date-time"),
        (
            {"created_after": "2026-01-02T00:00:00Z", "created_before": "2026-01-01T00:00:00Z"},
            "created_after must not be later than created_before",
        ),
        ({"limit": 100_000}, "limit"),
        ({"text": "x" * 1001}, "text"),
    ],
)
async def test_bad_input_answers_400(
    api: httpx.AsyncClient, params: dict[str, str | int], message: str
) -> None:
    assert message in await _problem(await api.get("/tasques/_search", params=params))
    assert message in await _problem(await api.post("/tasques/_search", json=params))


async def test_body_mistakes_answer_400(api: httpx.AsyncClient) -> None:
    unknown = await _problem(await api.post("/tasques/_search", json={"queues": ["q"]}))
    loose = await _problem(await api.post("/tasques/_search", json={"limit": "5"}))
    single = await _problem(await api.post("/tasques/_search", json={"queue": "q"}))

    assert "queues" in unknown
    assert "limit" in loose
    assert "queue" in single


async def test_a_cursor_from_another_sort_answers_400(api: httpx.AsyncClient, clock: FrozenClock) -> None:
    await _seed(api, clock)
    first = await api.get("/tasques/_search", params={"sort": "run_at", "limit": 1})
    cursor = first.json()["next_cursor"]

    message = await _problem(await api.get("/tasques/_search", params={"cursor": cursor, "limit": 1}))
    posted = await _problem(
        await api.post("/tasques/_search", json={"cursor": cursor, "sort": "run_at", "order": "asc"})
    )

    assert "cursor was handed out for sort run_at desc, not created desc" in message
    assert "not run_at asc" in posted
