"""Pausing a schedule skips its fires; daylight-saving nights fire as cron does. On both backends, through
the API, with the leader's scheduler pass run at the frozen clock's time."""

from datetime import UTC, datetime, timedelta
from typing import Any

from app.maintenance.periodic import PassResult
from app.maintenance.scheduler import RecurringScheduler, SchedulerSettings
from app.services.recurring_fires import RecurringFires
from tests.api.conftest import BACKEND_API_START, BackendApi

MINUTE = timedelta(minutes=1)
EVERY_MINUTE = {
    "id": "tick",
    "schedule_expression": "* * * * *",
    "catchup_window": "10m",
    "task_definition": {"queue": "ticks", "kind": "tick"},
}


async def scheduler_pass(backend_api: BackendApi) -> PassResult:
    components = backend_api.components
    fires = RecurringFires(
        components.store,
        policies=components.tasks.policies,
        max_fires_per_pass=100,
        history=components.history,
    )
    result = await RecurringScheduler(fires, settings=SchedulerSettings(), clock=backend_api.clock).run_once()
    await backend_api.make_searchable()
    return result


async def fired_ids(backend_api: BackendApi, queue: str = "ticks") -> list[str]:
    page = await backend_api.client.get("/tasques/_search", params={"queue": queue, "limit": 100})
    return sorted(task["id"] for task in page.json()["tasks"])


def fire_id(recurring_id: str, at: datetime) -> str:
    return f"{recurring_id}@{at:%Y%m%dT%H%M%S}.000000Z"


def minutes(*offsets: int) -> list[str]:
    return [fire_id("tick", BACKEND_API_START + offset * MINUTE) for offset in offsets]


async def _tick_then_pause_for_seven_minutes(backend_api: BackendApi) -> dict[str, Any]:
    """00:01 fires; paused at 00:01:40; the clock reaches 00:08:30 with fires 00:02..00:08 paused."""
    api, clock = backend_api.client, backend_api.clock
    assert (await api.post("/recurring_tasques", json=EVERY_MINUTE)).status_code == 201
    clock.advance(MINUTE + timedelta(seconds=30))
    await scheduler_pass(backend_api)
    clock.advance(timedelta(seconds=10))
    paused: dict[str, Any] = (await api.post("/recurring_tasques/tick/pause")).json()
    clock.advance(7 * MINUTE - timedelta(seconds=10))
    assert (await scheduler_pass(backend_api)).work_done == 0
    return paused


async def test_fires_that_fall_while_paused_do_not_happen_on_resume(backend_api: BackendApi) -> None:
    paused = await _tick_then_pause_for_seven_minutes(backend_api)

    resumed = await backend_api.client.post("/recurring_tasques/tick/resume")
    on_resume = await scheduler_pass(backend_api)
    backend_api.clock.advance(MINUTE)  # 00:09:30
    await scheduler_pass(backend_api)

    assert paused["paused"] is True
    assert paused["paused_at"] == "2026-01-01T00:01:40Z"
    assert resumed.status_code == 200
    assert (resumed.json()["paused"], resumed.json()["resumed_at"]) == (False, "2026-01-01T00:08:30Z")
    assert "enqueued 0, skipped 0, buffered 0, missed 0 (outside catch-up), paused 7" in on_resume.summary
    assert await fired_ids(backend_api) == minutes(1, 9)


async def test_resume_with_catch_up_enqueues_the_paused_fires_within_the_window(
    backend_api: BackendApi,
) -> None:
    await _tick_then_pause_for_seven_minutes(backend_api)

    resumed = await backend_api.client.post("/recurring_tasques/tick/resume", json={"catch_up": True})
    await scheduler_pass(backend_api)

    assert resumed.json()["paused"] is False
    assert "resumed_at" not in resumed.json()
    assert await fired_ids(backend_api) == minutes(1, 2, 3, 4, 5, 6, 7, 8)


async def test_a_bad_resume_body_is_refused_and_leaves_the_schedule_paused(backend_api: BackendApi) -> None:
    await _tick_then_pause_for_seven_minutes(backend_api)

    unknown = await backend_api.client.post("/recurring_tasques/tick/resume", json={"catchup": True})
    not_a_flag = await backend_api.client.post("/recurring_tasques/tick/resume", json={"catch_up": "yes"})

    assert unknown.status_code == 400
    assert "catchup" in unknown.json()["message"]
    assert not_a_flag.status_code == 400
    assert (await backend_api.client.get("/recurring_tasques/tick")).json()["paused"] is True


async def test_the_catch_up_window_still_covers_fires_missed_while_no_leader_ran(
    backend_api: BackendApi,
) -> None:
    api, clock = backend_api.client, backend_api.clock
    await api.post("/recurring_tasques", json=EVERY_MINUTE)
    clock.advance(3 * MINUTE + timedelta(seconds=30))  # no leader: 00:01..00:03 not fired yet
    await api.post("/recurring_tasques/tick/pause")
    clock.advance(3 * MINUTE)  # 00:04..00:06 fall while paused
    await api.post("/recurring_tasques/tick/resume")
    clock.advance(2 * MINUTE)  # 00:07, 00:08 after the resume, still no leader

    result = await scheduler_pass(backend_api)

    assert "enqueued 5" in result.summary
    assert "paused 3" in result.summary
    assert await fired_ids(backend_api) == minutes(1, 2, 3, 7, 8)


async def test_pausing_through_an_update_skips_fires_too(backend_api: BackendApi) -> None:
    api, clock = backend_api.client, backend_api.clock
    await api.post("/recurring_tasques", json={**EVERY_MINUTE, "paused": True})
    clock.advance(5 * MINUTE + timedelta(seconds=30))
    updated = await api.put("/recurring_tasques/tick", json={"paused": False})
    await scheduler_pass(backend_api)
    clock.advance(MINUTE)
    await scheduler_pass(backend_api)

    assert updated.json()["paused_at"] == "2026-01-01T00:00:00Z"
    assert await fired_ids(backend_api) == minutes(6)


# Europe/Paris: 25 October 2026 03:00 CEST -> 02:00 CET at 01:00Z; 29 March 2026 02:00 CET -> 03:00 CEST.
# America/New_York: 1 November 2026 02:00 EDT -> 01:00 EST at 06:00Z; 8 March 2026 02:00 -> 03:00 at 07:00Z.
def _nightly(recurring_id: str, expression: str, timezone: str) -> dict[str, Any]:
    return {
        "id": recurring_id,
        "schedule_expression": expression,
        "timezone": timezone,
        "catchup_window": "1h",
        "task_definition": {"queue": "nightly", "kind": "report"},
    }


def _utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


async def _passes_until(backend_api: BackendApi, end: datetime) -> None:
    """A scheduler pass every 15 minutes, as a leader would run them (more often, in truth)."""
    while backend_api.clock.now_utc() < end:
        backend_api.clock.advance(15 * MINUTE)
        await scheduler_pass(backend_api)


async def test_a_fixed_time_schedule_fires_once_through_each_dst_night_pass_by_pass(
    backend_api: BackendApi,
) -> None:
    api, clock = backend_api.client, backend_api.clock
    clock.advance(_utc(2026, 10, 24, 12) - clock.now_utc())
    await api.post("/recurring_tasques", json=_nightly("paris", "30 2 * * *", "Europe/Paris"))
    await _passes_until(backend_api, _utc(2026, 10, 26, 12))
    clock.advance(_utc(2026, 10, 31, 12) - clock.now_utc())  # the leader was away: nights missed
    await api.post("/recurring_tasques", json=_nightly("new-york", "30 1 * * *", "America/New_York"))
    await _passes_until(backend_api, _utc(2026, 11, 2, 12))

    assert await fired_ids(backend_api, "nightly") == sorted(
        [
            fire_id("paris", _utc(2026, 10, 25, 0, 30)),  # 02:30 CEST, the first of the two
            fire_id("paris", _utc(2026, 10, 26, 1, 30)),
            fire_id("paris", _utc(2026, 11, 1, 1, 30)),
            fire_id("paris", _utc(2026, 11, 2, 1, 30)),
            fire_id("new-york", _utc(2026, 11, 1, 5, 30)),  # 01:30 EDT, the first of the two
            fire_id("new-york", _utc(2026, 11, 2, 6, 30)),
        ]
    )


async def test_backfill_across_dst_changes_follows_the_same_rule(backend_api: BackendApi) -> None:
    api = backend_api.client
    await api.post("/recurring_tasques", json=_nightly("paris", "30 2 * * *", "Europe/Paris"))
    await api.post("/recurring_tasques", json=_nightly("ny-quarter", "*/30 * * * *", "America/New_York"))

    spring = {"start": "2026-03-28T12:00:00Z", "end": "2026-03-30T12:00:00Z"}
    autumn = {"start": "2026-10-24T12:00:00Z", "end": "2026-10-26T12:00:00Z"}
    paris_spring = await api.post("/recurring_tasques/paris/backfill", json=spring)
    paris_autumn = await api.post("/recurring_tasques/paris/backfill", json=autumn)
    ny_fall_night = {"start": "2026-11-01T04:45:00Z", "end": "2026-11-01T07:15:00Z"}
    ny_spring_night = {"start": "2026-03-08T06:15:00Z", "end": "2026-03-08T07:45:00Z"}
    ny_fall = await api.post("/recurring_tasques/ny-quarter/backfill", json=ny_fall_night)
    ny_spring = await api.post("/recurring_tasques/ny-quarter/backfill", json=ny_spring_night)
    await backend_api.make_searchable()

    assert paris_spring.json() == {"enqueued": 2, "duplicates": 0}
    assert paris_autumn.json() == {"enqueued": 2, "duplicates": 0}
    # Every 30 minutes of elapsed time: both copies of 01:00-02:00 in the autumn, no 02:xx in spring.
    assert ny_fall.json() == {"enqueued": 5, "duplicates": 0}
    assert ny_spring.json() == {"enqueued": 3, "duplicates": 0}
    assert await fired_ids(backend_api, "nightly") == sorted(
        [
            fire_id("paris", _utc(2026, 3, 29, 1)),  # 02:30 skipped: 03:00 CEST, right after the change
            fire_id("paris", _utc(2026, 3, 30, 0, 30)),
            fire_id("paris", _utc(2026, 10, 25, 0, 30)),  # 02:30 CEST only, not 02:30 CET too
            fire_id("paris", _utc(2026, 10, 26, 1, 30)),
            *(fire_id("ny-quarter", _utc(2026, 11, 1, 5, 0) + n * 30 * MINUTE) for n in range(5)),
            *(fire_id("ny-quarter", _utc(2026, 3, 8, 6, 30) + n * 30 * MINUTE) for n in range(3)),
        ]
    )
