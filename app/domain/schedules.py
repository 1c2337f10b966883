"""Recurring schedules: 5-field cron and macros (croniter) in an IANA time zone, plus ``@every <duration>``.

Fire times are a pure function of the definition, so every leader computes the same ones: ``@every``
counts from an anchor stored with the definition (Tasques counted from whenever its leader loaded the
schedule, so a failover shifted them). Cron fires are computed in the schedule's zone; across a DST
change a wall-clock time that does not exist fires at the next valid instant, and an hour that repeats
fires in both of its real instants, as croniter resolves them.
"""

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
        iterator = croniter(self.expression, after.astimezone(self.zone))
        while (fire := self._next_cron_fire(iterator)) is not None and fire <= until:
            yield fire

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
