from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from croniter import croniter

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


# Daylight-saving changes in 2026: Europe/Paris 29 March 02:00 CET -> 03:00 CEST (01:00Z) and 25 October
# 03:00 CEST -> 02:00 CET (01:00Z); America/New_York 8 March 02:00 EST -> 03:00 EDT (07:00Z) and
# 1 November 02:00 EDT -> 01:00 EST (06:00Z).
DST_NIGHTS = [
    ("Europe/Paris", utc(2026, 3, 28, 12)),
    ("Europe/Paris", utc(2026, 10, 24, 12)),
    ("America/New_York", utc(2026, 3, 7, 18)),
    ("America/New_York", utc(2026, 10, 31, 18)),
]


def _fires(expression: str, timezone: str, after: datetime, hours: int = 24) -> list[datetime]:
    schedule = Schedule.parse(expression, timezone)
    return list(schedule.fire_times(after=after, until=after + timedelta(hours=hours), anchor=after))


@pytest.mark.parametrize(
    ("expression", "timezone", "after", "expected"),
    [
        # A repeated hour: once, at the first occurrence (CEST, EDT).
        ("30 2 * * *", "Europe/Paris", utc(2026, 10, 24, 12), [utc(2026, 10, 25, 0, 30)]),
        ("30 1 * * *", "America/New_York", utc(2026, 10, 31, 18), [utc(2026, 11, 1, 5, 30)]),
        # A skipped hour: once, right after the change.
        ("30 2 * * *", "Europe/Paris", utc(2026, 3, 28, 12), [utc(2026, 3, 29, 1)]),
        ("30 2 * * *", "America/New_York", utc(2026, 3, 7, 18), [utc(2026, 3, 8, 7)]),
        ("0,30 2 * * *", "Europe/Paris", utc(2026, 3, 28, 12), [utc(2026, 3, 29, 1)]),
        # Already past the first occurrence (the watermark sits in the second copy): no second fire.
        ("30 2 * * *", "Europe/Paris", utc(2026, 10, 25, 1, 45), [utc(2026, 10, 26, 1, 30)]),
    ],
)
def test_fixed_time_fires_once_on_the_nights_the_clocks_change(
    expression: str, timezone: str, after: datetime, expected: list[datetime]
) -> None:
    assert _fires(expression, timezone, after) == expected


def _elapsed_time_fires(expression: str, timezone: str, after: datetime) -> list[datetime]:
    """Every real minute in (after, after + 24h] whose wall-clock time in ``timezone`` matches."""
    zone = ZoneInfo(timezone)
    minutes = (after + timedelta(minutes=n) for n in range(1, 24 * 60 + 1))
    return [
        minute
        for minute in minutes
        if croniter.match(expression, minute.astimezone(zone).replace(tzinfo=None))
    ]


@pytest.mark.parametrize(("timezone", "after"), DST_NIGHTS)
@pytest.mark.parametrize("expression", ["*/15 * * * *", "0 * * * *", "@hourly", "* 2 * * *", "5 */2 * * *"])
def test_interval_schedules_follow_elapsed_time_across_the_change(
    expression: str, timezone: str, after: datetime
) -> None:
    assert _fires(expression, timezone, after) == _elapsed_time_fires(expression, timezone, after)


@pytest.mark.parametrize(("timezone", "after"), DST_NIGHTS)
def test_every_counts_real_seconds_across_the_change(timezone: str, after: datetime) -> None:
    fires = _fires("@every 45m", timezone, after)

    assert {later - earlier for earlier, later in pairwise(fires)} == {timedelta(minutes=45)}
