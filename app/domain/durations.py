"""Go ``time.Duration`` text, because Tasques clients send and expect it ("30m", "1h30m", "30m0s")."""

import functools
import re
from datetime import timedelta
from decimal import Decimal
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

from app.domain.errors import InvalidInput

_NANOS_PER_UNIT = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,  # U+00B5 micro sign
    "μs": 1_000,  # U+03BC greek mu
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60 * 1_000_000_000,
    "h": 3600 * 1_000_000_000,
}
_MAX_NANOS = 2**63 - 1
_COMPONENT = re.compile(r"(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_WHOLE = re.compile(r"[-+]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+")


def parse_go_duration(text: str) -> timedelta:
    """Parse like Go's ``time.ParseDuration``; microsecond precision (sub-µs parts are truncated)."""
    if text in {"0", "+0", "-0"}:
        return timedelta(0)
    if not _WHOLE.fullmatch(text):
        raise InvalidInput(f'time: invalid duration "{text}"')
    sign = -1 if text.startswith("-") else 1
    total_nanos = sum(Decimal(number) * _NANOS_PER_UNIT[unit] for number, unit in _COMPONENT.findall(text))
    if total_nanos > _MAX_NANOS:  # Go's limit (int64 nanoseconds, about 292 years), also ES's long
        raise InvalidInput(f'time: invalid duration "{text}"')
    return timedelta(microseconds=sign * int(total_nanos // 1_000))


def duration_to_nanos(duration: timedelta) -> int:
    return (duration.days * 86_400 + duration.seconds) * 1_000_000_000 + duration.microseconds * 1_000


def nanos_to_duration(nanos: int) -> timedelta:
    return timedelta(microseconds=nanos // 1_000)


# Cached: every rendered task shows its processing timeout (and backoff), over a handful of values.
@functools.lru_cache(maxsize=256)
def format_go_duration(duration: timedelta) -> str:
    """Format like Go's ``Duration.String()``: "0s", "1.5ms", "1m1s", "30m0s", "1h0m0s"."""
    nanos = duration_to_nanos(duration)
    magnitude = abs(nanos)
    if magnitude == 0:
        return "0s"
    if magnitude < 1_000:
        text = f"{magnitude}ns"
    elif magnitude < 1_000_000:
        text = _decimal(magnitude, 3) + "µs"
    elif magnitude < 1_000_000_000:
        text = _decimal(magnitude, 6) + "ms"
    else:
        total_minutes, second_nanos = divmod(magnitude, 60 * 1_000_000_000)
        text = _decimal(second_nanos, 9) + "s"
        if total_minutes:
            hours, minutes = divmod(total_minutes, 60)
            text = f"{minutes}m{text}"
            if hours:
                text = f"{hours}h{text}"
    return f"-{text}" if nanos < 0 else text


def _decimal(value: int, fraction_digits: int) -> str:
    whole, fraction = divmod(value, 10**fraction_digits)
    if not fraction:
        return str(whole)
    return f"{whole}." + str(fraction).rjust(fraction_digits, "0").rstrip("0")


def _coerce_duration(value: object) -> object:
    """Settings and models accept Go strings ("30s", "5m") besides numbers of seconds and timedeltas."""
    if isinstance(value, str):
        try:
            return parse_go_duration(value.strip())
        except InvalidInput as error:
            raise ValueError(error.message) from error
    return value


GoDuration = Annotated[
    timedelta, BeforeValidator(_coerce_duration), PlainSerializer(format_go_duration, when_used="json")
]
