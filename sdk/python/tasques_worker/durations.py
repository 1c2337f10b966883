"""Go duration strings, the server's wire format for ``processing_timeout`` and ``block_for``.

The server answers with Go's canonical form (``"30m0s"``, ``"1h0m0s"``, ``"1.5s"``, ``"100ms"``) and
accepts any Go duration; both directions live here so the worker never hand-formats one.
"""

import re
from datetime import timedelta

_UNIT_SECONDS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,  # U+00B5 micro sign
    "μs": 1e-6,  # U+03BC Greek mu
    "ms": 1e-3,
    "s": 1.0,
    "m": 60.0,
    "h": 3600.0,
}
_COMPONENT = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")


def parse_go_duration(text: str) -> timedelta:
    """``"1h30m"`` -> ``timedelta(hours=1, minutes=30)``; raises ``ValueError`` for anything Go rejects."""
    body = text.strip()
    sign = -1.0 if body.startswith("-") else 1.0
    body = body.lstrip("+-")
    if body == "0":
        return timedelta(0)
    position, seconds = 0, 0.0
    while position < len(body):
        match = _COMPONENT.match(body, position)
        if match is None:
            raise ValueError(f"not a Go duration: {text!r}")
        seconds += float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        position = match.end()
    if position == 0:
        raise ValueError(f"not a Go duration: {text!r}")
    return timedelta(seconds=sign * seconds)


def format_go_duration(duration: timedelta) -> str:
    """A whole number of milliseconds, e.g. ``"1500ms"``: exact for every value the worker sends."""
    milliseconds = round(duration.total_seconds() * 1000)
    if milliseconds < 0:
        raise ValueError(f"durations sent to the server are not negative: {duration}")
    return f"{milliseconds}ms"
