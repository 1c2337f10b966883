"""``GET /timeline`` over HTTP: finished counts per minute, the stored samples, a restart, and the 400s."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.services.queue_sampling import QueueSampler
from app.storage.sqlite import SqliteTaskStore
from tests.api.conftest import SETTINGS, WORKER, claim, enqueue, serving

NOW = datetime(2026, 1, 1, 12, 0, 30, tzinfo=UTC)
NO_FINISHES = {"done": 0, "failed": 0, "dead": 0, "cancelled": 0}


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(NOW)


@asynccontextmanager
async def server(clock: FrozenClock, path: Path) -> AsyncIterator[tuple[httpx.AsyncClient, Components]]:
    settings = Settings.model_validate({**SETTINGS, "maintenance": {"enabled": False}})
    components = build_components(settings, clock=clock, store=SqliteTaskStore(path))
    async with serving(components) as client:
        yield client, components


async def _sample(components: Components, clock: FrozenClock) -> None:
    await QueueSampler(components.store, clock=clock, max_claims=100).sample()


async def _seed(api: httpx.AsyncClient, clock: FrozenClock) -> None:
    """At 12:00:30 three tasks are due; 10 s later two are claimed: one ends done, one dead."""
    for task_id in ("done", "dead", "waiting"):
        await enqueue(api, id=task_id, retry_times=0)
    clock.advance(timedelta(seconds=10))
    first, second = await claim(api, amount=2)
    await api.put(f"/tasques/done/q/{first['id']}", json={"data": {}}, headers=WORKER)
    await api.put(f"/tasques/failed/q/{second['id']}", json={"data": {"error": "x"}}, headers=WORKER)


async def test_a_minute_shows_its_finishes_and_the_sample_taken_in_it(
    clock: FrozenClock, tmp_path: Path
) -> None:
    async with server(clock, tmp_path / "t.db") as (api, components):
        await _seed(api, clock)
        clock.advance(timedelta(seconds=10))
        await _sample(components, clock)  # at 12:00:50
        clock.advance(timedelta(seconds=30))  # now 12:01:20

        response = await api.get("/timeline", params={"queue": "q", "minutes": 2})

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["queue"] == "q"
    assert [minute["start"] for minute in body["minutes"]] == [
        "2026-01-01T11:59:00Z",
        "2026-01-01T12:00:00Z",
        "2026-01-01T12:01:00Z",
    ]
    unsampled, sampled, current = body["minutes"]
    assert unsampled == {"start": "2026-01-01T11:59:00Z", "finished": NO_FINISHES}
    assert current == {"start": "2026-01-01T12:01:00Z", "finished": NO_FINISHES}
    assert sampled == {
        "start": "2026-01-01T12:00:00Z",
        "finished": {**NO_FINISHES, "done": 1, "dead": 1},
        "queued": 1,
        "oldest_queued_age_seconds": 20.0,
        "claims": 2,
        "claim_latency": {"p50": 10.0, "p95": 10.0},
        "schedule_to_start": {"p50": 10.0, "p95": 10.0},
        "sampled_at": "2026-01-01T12:00:50Z",
    }


async def test_every_queue_together_and_the_samples_outlive_a_restart(
    clock: FrozenClock, tmp_path: Path
) -> None:
    path = tmp_path / "t.db"
    async with server(clock, path) as (api, components):
        await _seed(api, clock)
        await enqueue(api, queue="other", id="x")
        await _sample(components, clock)

    async with server(clock, path) as (api, _):
        response = await api.get("/timeline", params={"minutes": 1})

    assert response.status_code == 200, response.text
    body = response.json()
    assert "queue" not in body
    (_, now) = body["minutes"]
    assert (now["queued"], now["claims"], now["finished"]["done"]) == (2, 2, 1)


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"minutes": 0}, "invalid_input"),
        ({"minutes": 1440}, "invalid_input"),
        ({"minutes": "hour"}, "invalid_input"),
        ({"queue": "Not A Queue"}, "invalid_queue_name"),
    ],
)
async def test_bad_parameters_answer_400(
    clock: FrozenClock, tmp_path: Path, params: dict[str, str | int], code: str
) -> None:
    async with server(clock, tmp_path / "t.db") as (api, _):
        response = await api.get("/timeline", params=params)

    assert response.status_code == 400, response.text
    assert response.json()["error"] == code
