"""Durations as both engines write time values: the largest unit that is exact."""

from datetime import timedelta

_TIME_UNITS = (
    ("d", 86_400_000_000),
    ("h", 3_600_000_000),
    ("m", 60_000_000),
    ("s", 1_000_000),
    ("ms", 1_000),
)


def engine_duration(value: timedelta) -> str:
    """30 days -> "30d", 90 minutes -> "90m"; ILM and ISM parse the same time units."""
    micros = value // timedelta(microseconds=1)
    for unit, size in _TIME_UNITS:
        if micros % size == 0:
            return f"{micros // size}{unit}"
    return f"{micros}micros"
