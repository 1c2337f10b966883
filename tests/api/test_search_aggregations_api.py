"""Search aggregations and queue throughput over HTTP: parameter parsing, wire shapes and the 400s."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.clock import FrozenClock
from tests.api.conftest import WORKER, claim, enqueue, serving_at

NOW = datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@pytest.fixture
async def api(clock: FrozenClock, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    async with serving_at(clock, tmp_path / "aggs.db") as client:
        yield client


async def _finish(api: httpx.AsyncClient, task_id: str, outcome: str, data: dict[str, object]) -> None:
    (task,) = await claim(api)
    assert task["id"] == task_id
    response = await api.put(f"/tasques/{outcome}/q/{task_id}", json={"data": data}, headers=WORKER)
    assert response.status_code == 200, response.text


async def _seed(api: httpx.AsyncClient) -> None:
    """One task done, one failed with an error type, one dead with only a message, one still queued."""
    await enqueue(api, id="done", kind="email")
    await _finish(api, "done", "done", {})
    await enqueue(api, id="failed", kind="email")
    await _finish(api, "failed", "failed", {"error_type": "ValueError", "error": "bad"})
    await enqueue(api, id="dead", kind="report", retry_times=0)
    await _finish(api, "dead", "failed", {"error": "boom"})
    await enqueue(api, id="waiting", kind="sms")


async def test_aggregations_appear_only_when_asked_for(api: httpx.AsyncClient) -> None:
    await _seed(api)

    plain = await api.get("/tasques/_search")
    asked = await api.get("/tasques/_search", params=[("aggs", "kind, error_class"), ("aggs", "queue_state")])

    assert set(plain.json()) == {"tasks", "next_cursor"}
    assert [task["id"] for task in asked.json()["tasks"]] == [
        "dead",
        "done",
        "failed",
        "waiting",
    ]  # created together: by id
    assert asked.json()["aggregations"] == {
        "queue_state": {
            "buckets": [{"key": "q", "count": 4, "states": {"done": 1, "failed": 1, "dead": 1, "queued": 1}}],
            "other": 0,
        },
        "kind": {
            "buckets": [
                {"key": "email", "count": 2},
                {"key": "report", "count": 1},
                {"key": "sms", "count": 1},
            ],
            "other": 0,
        },
        "error_class": {
            "buckets": [{"key": "ValueError", "count": 1}, {"key": "unclassified", "count": 1}],
            "other": 0,
        },
    }


async def test_limit_zero_answers_aggregations_without_tasks(api: httpx.AsyncClient) -> None:
    await _seed(api)

    response = await api.get("/tasques/_search", params={"aggs": "kind", "limit": 0, "kind": "email"})

    assert response.json() == {
        "tasks": [],
        "next_cursor": None,
        "aggregations": {"kind": {"buckets": [{"key": "email", "count": 2}], "other": 0}},
    }
    assert (await api.get("/tasques/_search", params={"limit": 0})).status_code == 400


async def test_finished_per_minute_defaults_to_the_last_hour_in_whole_minutes(
    api: httpx.AsyncClient, clock: FrozenClock
) -> None:
    await _seed(api)
    clock.advance(timedelta(minutes=2))

    response = await api.get("/tasques/_search", params={"aggs": "finished_per_minute", "limit": 0})

    histogram = response.json()["aggregations"]["finished_per_minute"]
    buckets = histogram["buckets"]
    # now is 12:02:30: from 11:02:30 floored to 11:02 up to 12:02:30 ceiled to 12:03.
    assert histogram["interval_seconds"] == 60
    assert len(buckets) == 61
    assert (buckets[0]["start"], buckets[-1]["start"]) == ("2026-01-01T11:02:00Z", "2026-01-01T12:02:00Z")
    assert [bucket for bucket in buckets if bucket["count"]] == [
        {"start": "2026-01-01T12:00:00Z", "count": 3, "states": {"done": 1, "failed": 1, "dead": 1}}
    ]


async def test_finished_per_minute_follows_the_created_range(api: httpx.AsyncClient) -> None:
    await _seed(api)

    response = await api.get(
        "/tasques/_search",
        params={
            "aggs": "finished_per_minute",
            "created_after": "2026-01-01T11:58:10Z",
            "created_before": "2026-01-01T12:00:40Z",
        },
    )

    buckets = response.json()["aggregations"]["finished_per_minute"]["buckets"]
    assert [(bucket["start"][11:16], bucket["count"]) for bucket in buckets] == [
        ("11:58", 0),
        ("11:59", 0),
        ("12:00", 3),
    ]


@pytest.mark.parametrize(
    ("params", "problem"),
    [
        ({"aggs": "kind,colour"}, {"unknown": ["colour"]}),
        ({"aggs": " , "}, {"unknown": []}),
        (
            {"aggs": "finished_per_minute", "created_after": "2025-12-31T00:00:00Z"},
            {"aggregation": "finished_per_minute", "minutes": 2161, "max_buckets": 1440},
        ),
    ],
)
async def test_bad_aggregation_requests_answer_400(
    api: httpx.AsyncClient, params: dict[str, str], problem: dict[str, object]
) -> None:
    response = await api.get("/tasques/_search", params=params)

    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "invalid_input"
    assert problem.items() <= body["details"].items()
    assert ("finished_per_minute" in params["aggs"]) == ("1440 one-minute buckets" in body["message"])


async def test_a_day_of_minutes_is_allowed(api: httpx.AsyncClient) -> None:
    response = await api.get(
        "/tasques/_search",
        params={
            "aggs": "finished_per_minute",
            "limit": 0,
            "created_after": "2026-01-01T00:00:00Z",
            "created_before": "2026-01-02T00:00:00Z",
        },
    )

    assert response.status_code == 200
    assert len(response.json()["aggregations"]["finished_per_minute"]["buckets"]) == 1440


async def test_queues_report_throughput_per_window(api: httpx.AsyncClient, clock: FrozenClock) -> None:
    await _seed(api)
    clock.advance(timedelta(minutes=2))

    (queue,) = (await api.get("/queues")).json()["queues"]

    assert queue["throughput"] == [
        {"window_seconds": 60, "done": 0, "failed": 0, "dead": 0, "cancelled": 0},
        {"window_seconds": 300, "done": 1, "failed": 1, "dead": 1, "cancelled": 0},
    ]
