"""Aggregations over the tasks a ``TaskQuery`` selects, and finished-task throughput per queue.

The semantics every backend shares (the conformance suite holds them to it):

- ``queue_state``: matching tasks per queue, each with its counts per state.
- ``kind``: matching tasks per kind.
- ``error_class``: matching FAILED and DEAD tasks per error class (``app.domain.error_classes``); a
  stored task without one (written before it existed, or by Go Tasques) counts as ``unclassified``.
- Terms (the three above) are ordered by count descending, then key ascending (code point order), and
  capped at ``terms_size`` buckets; ``other`` counts the tasks in the buckets left out.
- ``finished_per_minute``: matching tasks in a finished state (done, failed, dead, cancelled) by the
  minute of ``metadata.modified_at`` — the time of their last change, which for a finished task is
  when it finished — inside a minute-aligned window; every minute of the window is present, empty
  ones with zero counts.

Throughput (``QueueThroughput``) counts tasks, live and archived, in a finished state by their
current state: a FAILED task claimed again since no longer counts.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from app.domain.error_classes import FAILED_STATES, UNCLASSIFIED
from app.domain.states import TaskState

MAX_TERMS_BUCKETS = 100
"""Buckets one terms aggregation answers at most; the rest are summed into ``other``."""
MAX_MINUTE_BUCKETS = 1440
"""Minutes one ``finished_per_minute`` answers at most (a day)."""
MINUTE = timedelta(minutes=1)
COUNTED_FINISHED_STATES = (TaskState.DONE, TaskState.FAILED, TaskState.DEAD, TaskState.CANCELLED)
ERROR_CLASS_STATES = tuple(state for state in TaskState if state in FAILED_STATES)
MISSING_ERROR_CLASS = UNCLASSIFIED


class AggregationName(StrEnum):
    QUEUE_STATE = "queue_state"
    KIND = "kind"
    ERROR_CLASS = "error_class"
    FINISHED_PER_MINUTE = "finished_per_minute"


def floor_minute(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(second=0, microsecond=0)


def ceil_minute(moment: datetime) -> datetime:
    floored = floor_minute(moment)
    return floored if floored == moment else floored + MINUTE


@dataclass(frozen=True, slots=True)
class MinuteWindow:
    """``[start, end)``, both on a minute boundary (UTC)."""

    start: datetime
    end: datetime

    @classmethod
    def covering(cls, start: datetime, end: datetime) -> "MinuteWindow":
        """The smallest minute-aligned window holding ``[start, end)``; empty when ``end <= start``."""
        aligned = floor_minute(start)
        return cls(aligned, max(ceil_minute(end), aligned))

    @property
    def minutes(self) -> int:
        return (self.end - self.start) // MINUTE


@dataclass(frozen=True, slots=True, kw_only=True)
class AggregationRequest:
    names: frozenset[AggregationName]
    window: MinuteWindow
    """The ``finished_per_minute`` window (unused by the others)."""
    terms_size: int = MAX_TERMS_BUCKETS


@dataclass(frozen=True, slots=True)
class TermsBucket:
    key: str
    count: int
    states: dict[TaskState, int] = field(default_factory=dict)
    """``queue_state`` only: the bucket's count per state."""


@dataclass(frozen=True, slots=True)
class TermsAggregation:
    buckets: list[TermsBucket]
    other: int
    """Tasks in the buckets beyond the cap."""


@dataclass(frozen=True, slots=True)
class MinuteBucket:
    start: datetime
    counts: dict[TaskState, int]

    @property
    def count(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskAggregations:
    """What was asked for; None for what was not."""

    queue_state: TermsAggregation | None = None
    kind: TermsAggregation | None = None
    error_class: TermsAggregation | None = None
    finished_per_minute: list[MinuteBucket] | None = None


@dataclass(frozen=True, slots=True)
class QueueThroughput:
    """Tasks of ``queue`` in each finished state whose last change is at or after ``since``."""

    queue: str
    since: datetime
    counts: dict[TaskState, int]


def minute_series(
    window: MinuteWindow, counted: Mapping[datetime, Mapping[TaskState, int]]
) -> list[MinuteBucket]:
    """One bucket per minute of ``window``, zero-filled; ``counted`` is keyed by minute start."""
    series = []
    for index in range(window.minutes):
        start = window.start + index * MINUTE
        series.append(MinuteBucket(start, dict(counted.get(start, {}))))
    return series
