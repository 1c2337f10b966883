from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import InvalidInput
from app.domain.schedules import Schedule


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def test_paris_daily_fires_at_the_right_utc_instants_across_both_dst_changes() -> None:
    schedule = Schedule.parse("30 9 * * *", "Europe/Paris")

    spring = list(schedule.fire_times(after=utc(2026, 3, 27), until=utc(2026, 3, 31), anchor=utc(2026, 1, 1)))
    autumn = list(
        schedule.fire_times(after=utc(2026, 10, 23), until=utc(2026, 10, 27), anchor=utc(2026, 1, 1))
    )

    # CET (UTC+1) until 29 March 2026, CEST (UTC+2) until 25 October 2026.
    assert spring == [
        utc(2026, 3, 27, 8, 30),
        utc(2026, 3, 28, 8, 30),
        utc(2026, 3, 29, 7, 30),
        utc(2026, 3, 30, 7, 30),
    ]
    assert autumn == [
        utc(2026, 10, 23, 7, 30),
        utc(2026, 10, 24, 7, 30),
        utc(2026, 10, 25, 8, 30),
        utc(2026, 10, 26, 8, 30),
    ]


def test_a_wall_clock_time_skipped_by_dst_fires_once_at_the_next_valid_instant() -> None:
    schedule = Schedule.parse("30 2 * * *", "Europe/Paris")
    fires = list(
        schedule.fire_times(after=utc(2026, 3, 28, 12), until=utc(2026, 3, 30, 12), anchor=utc(2026, 1, 1))
    )
    assert fires == [utc(2026, 3, 29, 1), utc(2026, 3, 30, 0, 30)]


def test_every_counts_from_the_anchor_so_every_leader_agrees() -> None:
    schedule = Schedule.parse("@every 90s")
    anchor = utc(2026, 1, 1, 0, 0, 10)
    fires = list(schedule.fire_times(after=utc(2026, 1, 1, 0, 2), until=utc(2026, 1, 1, 0, 6), anchor=anchor))
    assert fires == [anchor + timedelta(seconds=90 * n) for n in (2, 3)]


def test_fires_are_after_exclusive_and_until_inclusive() -> None:
    schedule = Schedule.parse("@hourly")
    fires = list(
        schedule.fire_times(after=utc(2026, 1, 1, 1), until=utc(2026, 1, 1, 3), anchor=utc(2026, 1, 1))
    )
    assert fires == [utc(2026, 1, 1, 2), utc(2026, 1, 1, 3)]


@pytest.mark.parametrize(
    ("expression", "timezone", "message"),
    [
        ("hahahahhaah", "UTC", "Invalid schedule expression"),
        ("", "UTC", "Invalid schedule expression"),
        ("61 * * * *", "UTC", "Invalid schedule expression"),
        ("@every 500ms", "UTC", "at least 1s"),
        ("@every soon", "UTC", "invalid duration"),
        ("* * * * *", "Mars/Olympus", "Unknown time zone"),
    ],
)
def test_invalid_schedules_are_refused_clearly(expression: str, timezone: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        Schedule.parse(expression, timezone)


@pytest.mark.parametrize(
    "expression", ["0,5,10 * * * *", "@every 15m", "@daily", "@weekly", "*/5 9-17 * * mon-fri"]
)
def test_tasques_expressions_are_accepted(expression: str) -> None:
    Schedule.parse(expression)
