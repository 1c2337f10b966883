"""``TaskQuery.time_ranges`` and the one mapping between the bounds' names and the ranges."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import InvalidInput
from app.domain.queries import (
    TIME_BOUND_NAMES,
    TaskQuery,
    TimeField,
    TimeRange,
    bounds_of_time_ranges,
    time_ranges_from_bounds,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_the_bound_names_are_the_eight_wire_names() -> None:
    assert TIME_BOUND_NAMES == (
        "created_after",
        "created_before",
        "run_at_after",
        "run_at_before",
        "claimed_after",
        "claimed_before",
        "finished_after",
        "finished_before",
    )


def test_bounds_map_to_ranges_and_back() -> None:
    bounds = {"claimed_before": T0, "created_after": T0 - timedelta(days=1), "text_after": None}

    ranges = time_ranges_from_bounds(bounds)

    assert ranges == (
        TimeRange(TimeField.CREATED, after=T0 - timedelta(days=1)),
        TimeRange(TimeField.CLAIMED, before=T0),
    )
    assert bounds_of_time_ranges(ranges) == dict.fromkeys(TIME_BOUND_NAMES) | {
        "claimed_before": T0,
        "created_after": T0 - timedelta(days=1),
    }


def test_a_query_keeps_bounded_ranges_in_field_order() -> None:
    query = TaskQuery(
        time_ranges=(
            TimeRange(TimeField.FINISHED, after=T0),
            TimeRange(TimeField.RUN_AT),
            TimeRange(TimeField.CREATED, before=T0),
        )
    )

    assert query.time_ranges == (
        TimeRange(TimeField.CREATED, before=T0),
        TimeRange(TimeField.FINISHED, after=T0),
    )
    assert query.time_range(TimeField.RUN_AT) == TimeRange(TimeField.RUN_AT)


def test_two_ranges_on_one_field_are_refused() -> None:
    with pytest.raises(InvalidInput, match="created has more than one time range"):
        TaskQuery(
            time_ranges=(TimeRange(TimeField.CREATED, after=T0), TimeRange(TimeField.CREATED, before=T0))
        )
