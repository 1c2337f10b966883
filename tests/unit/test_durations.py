from datetime import timedelta

import pytest

from app.domain.durations import format_go_duration, parse_go_duration
from app.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("duration", "text"),
    [
        (timedelta(0), "0s"),
        (timedelta(microseconds=1), "1µs"),
        (timedelta(microseconds=1500), "1.5ms"),
        (timedelta(milliseconds=100), "100ms"),
        (timedelta(seconds=1.5), "1.5s"),
        (timedelta(seconds=15), "15s"),
        (timedelta(seconds=61), "1m1s"),
        (timedelta(minutes=30), "30m0s"),
        (timedelta(hours=1), "1h0m0s"),
        (timedelta(hours=1, minutes=30), "1h30m0s"),
        (timedelta(hours=49, seconds=0.25), "49h0m0.25s"),
        (-timedelta(seconds=90), "-1m30s"),
    ],
)
def test_formats_like_go(duration: timedelta, text: str) -> None:
    assert format_go_duration(duration) == text


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("30m", timedelta(minutes=30)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("100ms", timedelta(milliseconds=100)),
        ("1.5h", timedelta(minutes=90)),
        ("2us", timedelta(microseconds=2)),
        ("3µs", timedelta(microseconds=3)),
        ("-5s", timedelta(seconds=-5)),
        ("0", timedelta(0)),
        ("30m0s", timedelta(minutes=30)),
        (".5s", timedelta(milliseconds=500)),
    ],
)
def test_parses_like_go(text: str, duration: timedelta) -> None:
    assert parse_go_duration(text) == duration


@pytest.mark.parametrize("text", ["", "5", "1d", "s", "1.2.3s", " 5s", "5 s", "abc"])
def test_refuses_what_go_refuses(text: str) -> None:
    with pytest.raises(InvalidInput, match="invalid duration"):
        parse_go_duration(text)


@pytest.mark.parametrize("seconds", [0.001, 1, 59, 60, 3599, 3600, 86_400 * 3 + 7])
def test_format_then_parse_round_trips(seconds: float) -> None:
    duration = timedelta(seconds=seconds)
    assert parse_go_duration(format_go_duration(duration)) == duration
