"""Go duration strings as the server writes them (``processing_timeout``) and as the worker sends them."""

from datetime import timedelta

import pytest
from tasques_worker import format_go_duration, parse_go_duration


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30m0s", timedelta(minutes=30)),
        ("1h0m0s", timedelta(hours=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("1.5s", timedelta(seconds=1.5)),
        ("100ms", timedelta(milliseconds=100)),
        ("250us", timedelta(microseconds=250)),
        ("250µs", timedelta(microseconds=250)),
        ("0s", timedelta(0)),
        ("0", timedelta(0)),
        ("-2m", timedelta(minutes=-2)),
    ],
)
def test_parses_go_durations(text: str, expected: timedelta) -> None:
    assert parse_go_duration(text) == expected


@pytest.mark.parametrize("text", ["", "5", "m", "5x", "1h 30m", "s1"])
def test_refuses_what_go_refuses(text: str) -> None:
    with pytest.raises(ValueError, match="not a Go duration"):
        parse_go_duration(text)


def test_formats_whole_milliseconds_the_server_reads_back_exactly() -> None:
    assert format_go_duration(timedelta(seconds=5)) == "5000ms"
    assert format_go_duration(timedelta(milliseconds=1500)) == "1500ms"
    assert parse_go_duration(format_go_duration(timedelta(milliseconds=20))) == timedelta(milliseconds=20)
