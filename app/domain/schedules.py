"""Recurring schedules: 5-field cron and macros (croniter) in an IANA time zone, plus ``@every <duration>``.

Fire times are a pure function of the definition, so every leader computes the same ones: ``@every``
counts from an anchor stored with the definition (Tasques counted from whenever its leader loaded the
schedule, so a failover shifted them). Cron fields are read in the schedule's zone, and daylight-saving
changes follow cron's convention (Vixie cron, cronie):

- A fixed-time schedule (neither the minute nor the hour field starts with ``*``: ``30 2 * * *``,
  ``@daily``) names wall-clock times. One in an hour that repeats fires once, at its first occurrence;
  one in an hour that is skipped fires once, right after the change.
- An interval schedule (``*/15 * * * *``, ``0 * * * *``, ``@hourly``, ``@every``) follows elapsed time:
  it fires in both copies of a repeated hour and not at all in a skipped one.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from croniter import CroniterBadDateError, croniter

from app.domain.durations import parse_go_duration
from app.domain.errors import InvalidInput

_EVERY = "@every "
MIN_EVERY = timedelta(seconds=1)
# A cron schedule must fire within this many years of its creation or edit: 29 February fires every
# 4 years (8 across a skipped leap year such as 2100); "0 0 31 2 *" never does and is refused.
MAX_YEARS_BETWEEN_FIRES = 8


def parse_time_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise InvalidInput(
            f"Unknown time zone [{name}]: use an IANA name such as Europe/Paris", timezone=name
        ) from error


@dataclass(frozen=True)
class Schedule:
    expression: str
    zone: ZoneInfo
    every: timedelta | None

    @classmethod
    def parse(cls, expression: str, timezone: str = "UTC") -> "Schedule":
        zone = parse_time_zone(timezone)
        text = expression.strip()
        if text.startswith(_EVERY):
            every = parse_go_duration(text.removeprefix(_EVERY).strip())
            if every < MIN_EVERY:
                raise InvalidInput(f"@every needs an interval of at least 1s, got [{expression}]")
            return cls(text, zone, every)
        if not text or not croniter.is_valid(text):
            raise InvalidInput(
                f"Invalid schedule expression [{expression}]: use 5-field cron, a macro such as @hourly, "
                "or @every <duration>",
                schedule_expression=expression,
            )
        return cls(text, zone, None)

    def fire_times(self, *, after: datetime, until: datetime, anchor: datetime) -> Iterator[datetime]:
        """Fire instants in (after, until], ascending, in UTC."""
        if self.every is not None:
            yield from self._every_fire_times(after, until, anchor)
            return
        try:
            if _names_wall_clock_times(self.expression):
                yield from self._wall_clock_fire_times(after, until)
                return
            yield from self._elapsed_time_fire_times(after, until)
        except CroniterBadDateError:
            return  # no further fire: a definition stored before never-firing ones were refused

    def _elapsed_time_fire_times(self, after: datetime, until: datetime) -> Iterator[datetime]:
        # Between two offset changes a wall-clock time is one instant (wall time minus the offset);
        # each change starts a new stretch at its own wall-clock time: a repeated hour is read again,
        # a skipped one never. (croniter's zone-aware stepping fires in skipped hours.)
        start, wall_start = after, _wall(after, self.zone)
        while True:
            offset = _offset(start, self.zone)
            iterator = croniter(self.expression, wall_start)
            while True:
                fire = (iterator.get_next(datetime) - offset).replace(tzinfo=UTC)
                change = _next_offset_change(start, min(fire, until), self.zone)
                if change is not None:
                    break
                if fire > until:
                    return
                yield fire
                start = fire
            start, wall_start = change, _wall(change, self.zone) - timedelta(microseconds=1)

    def _wall_clock_fire_times(self, after: datetime, until: datetime) -> Iterator[datetime]:
        # Each wall-clock time maps to one instant, never earlier than the previous one's, so starting
        # at after's own wall-clock time misses nothing; within a repeated hour some map before after.
        iterator = croniter(self.expression, _wall(after, self.zone))
        previous = after
        while (fire := _first_instant(iterator.get_next(datetime), self.zone)) <= until:
            if fire > previous:  # skipped wall-clock times share the instant of the change: once
                yield fire
                previous = fire

    @staticmethod
    def _next_cron_fire(iterator: croniter) -> datetime | None:
        """None where croniter finds no further fire (a definition stored before such were refused)."""
        try:
            return iterator.get_next(datetime).astimezone(UTC)
        except CroniterBadDateError:
            return None

    def ensure_fires(self, *, after: datetime) -> None:
        """Refuse a cron schedule with no fire within ``MAX_YEARS_BETWEEN_FIRES`` years after ``after``."""
        if self.every is not None:
            return
        start = after.astimezone(self.zone)
        iterator = croniter(self.expression, start, max_years_between_matches=MAX_YEARS_BETWEEN_FIRES)
        if self._next_cron_fire(iterator) is None:
            raise InvalidInput(
                f"Schedule expression [{self.expression}] never fires within {MAX_YEARS_BETWEEN_FIRES} years",
                schedule_expression=self.expression,
            )

    def _every_fire_times(self, after: datetime, until: datetime, anchor: datetime) -> Iterator[datetime]:
        assert self.every is not None
        elapsed = max(after - anchor, timedelta(0))
        fire = anchor + self.every * (elapsed // self.every)
        while fire <= after:
            fire += self.every
        while fire <= until:
            yield fire
            fire += self.every


_MACROS = {
    "@yearly": "0 0 1 1 *",
    "@annually": "0 0 1 1 *",
    "@monthly": "0 0 1 * *",
    "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *",
    "@midnight": "0 0 * * *",
    "@hourly": "0 * * * *",
}


def _names_wall_clock_times(expression: str) -> bool:
    """Cron's rule: a schedule is fixed-time unless its minute or hour field starts with ``*``."""
    fields = _MACROS.get(expression.lower(), expression).split()
    return not any(field.startswith("*") for field in fields[:2])


def _first_instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The first instant ``wall`` (naive) reads in ``zone``; the change's instant if it never does."""
    first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
    second = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
    if first <= second:  # read once, or twice and fold 0 is the earlier
        return first
    # Skipped: fold 0 reads it with the offset before the change (landing after it), fold 1 with the
    # offset after (landing before it).
    return _offset_change_between(second, first, zone)


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _offset(instant: datetime, zone: ZoneInfo) -> timedelta:
    offset = instant.astimezone(zone).utcoffset()
    assert offset is not None  # an aware time in a ZoneInfo always has one
    return offset


def _next_offset_change(start: datetime, limit: datetime, zone: ZoneInfo) -> datetime | None:
    """The first instant in (start, limit] with another UTC offset than ``start``'s, if any.

    Looks a day at a time: zones change offset at most a few times a year, never twice in a day.
    """
    offset = _offset(start, zone)
    probe_from = start
    while probe_from < limit:
        probe = min(probe_from + timedelta(days=1), limit)
        if _offset(probe, zone) != offset:
            return _offset_change_between(probe_from, probe, zone)
        probe_from = probe
    return None


def _offset_change_between(before: datetime, after: datetime, zone: ZoneInfo) -> datetime:
    """The first whole second in (before, after] with another UTC offset than ``before``'s (one change
    lies between them; zones change on whole seconds)."""
    offset = _offset(before, zone)
    low, high = math.floor(before.timestamp()), math.ceil(after.timestamp())
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(datetime.fromtimestamp(middle, UTC), zone) == offset:
            low = middle
        else:
            high = middle
    return datetime.fromtimestamp(high, UTC)
