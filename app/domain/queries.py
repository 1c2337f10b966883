"""What listing tasks asks and answers: filters and ordering (``TaskQuery``), pages and per-queue counts.

The API, the services and stored admin jobs speak this vocabulary; the storage port takes it as is.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.domain.errors import InvalidInput
from app.domain.states import TaskState
from app.domain.task import Task


class TaskSort(StrEnum):
    """What a listing is ordered by; ties are always broken by queue, then id, ascending."""

    CREATED = "created"
    """metadata.created_at"""
    RUN_AT = "run_at"
    PRIORITY = "priority"
    FINISHED = "finished"
    """metadata.modified_at: for a finished task (done, dead, cancelled), when it finished"""


class SortOrder(StrEnum):
    ASC = "asc"
    DESC = "desc"


class TimeField(StrEnum):
    """The times a listing filters on (``<field>_after`` inclusive, ``<field>_before`` exclusive).

    ``claimed`` is last_claimed.claimed_at (never-claimed tasks never match). ``finished`` is the time a
    task reached done, dead or cancelled: its metadata.modified_at, which nothing changes afterwards
    until an admin retry re-queues it; a range on it matches only tasks in those states."""

    CREATED = "created"
    RUN_AT = "run_at"
    CLAIMED = "claimed"
    FINISHED = "finished"


@dataclass(frozen=True, slots=True)
class TimeRange:
    field: TimeField
    after: datetime | None = None
    """Inclusive"""
    before: datetime | None = None
    """Exclusive"""

    @property
    def bounded(self) -> bool:
        return self.after is not None or self.before is not None


TIME_BOUND_NAMES: tuple[str, ...] = tuple(
    f"{field.value}_{side}" for field in TimeField for side in ("after", "before")
)
"""The names the API, the CLI and stored admin jobs give the bounds: ``<field>_after``, ``<field>_before``."""


def time_ranges_from_bounds(bounds: Mapping[str, datetime | None]) -> tuple[TimeRange, ...]:
    """The ranges named by ``TIME_BOUND_NAMES`` (other names are not looked at; a missing name is no
    bound), only those with at least one bound."""
    ranges = (
        TimeRange(field, bounds.get(f"{field.value}_after"), bounds.get(f"{field.value}_before"))
        for field in TimeField
    )
    return tuple(found for found in ranges if found.bounded)


def bounds_of_time_ranges(ranges: tuple[TimeRange, ...]) -> dict[str, datetime | None]:
    """Every name of ``TIME_BOUND_NAMES``, None where ``ranges`` has no such bound."""
    bounds: dict[str, datetime | None] = dict.fromkeys(TIME_BOUND_NAMES)
    for found in ranges:
        bounds[f"{found.field.value}_after"] = found.after
        bounds[f"{found.field.value}_before"] = found.before
    return bounds


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskQuery:
    """Filters for listing tasks; empty tuples and None mean "any". Ordered by ``sort`` (default: newest
    created first), ties by queue, id. ``error_text`` matches the failure data
    (last_claimed.result.failure), ``text`` the args and the result data (success or failure): a
    case-insensitive substring on SQLite, a phrase of whole words on Elasticsearch (see the backends),
    so a query of whole words answers the same on both. ``time_ranges`` keeps only ranges with a bound,
    in ``TimeField`` order, so equal filters compare equal. Raises ``InvalidInput`` for an empty range
    (after later than before) or two ranges on one field."""

    queues: tuple[str, ...] = ()
    states: tuple[TaskState, ...] = ()
    kinds: tuple[str, ...] = ()
    worker_id: str | None = None
    recurring_task_id: str | None = None
    time_ranges: tuple[TimeRange, ...] = ()
    include_archive: bool = False
    error_text: str | None = None
    text: str | None = None
    sort: TaskSort = TaskSort.CREATED
    order: SortOrder = SortOrder.DESC

    def __post_init__(self) -> None:
        fields = [found.field for found in self.time_ranges]
        for field in set(fields):
            if fields.count(field) > 1:
                raise InvalidInput(f"{field.value} has more than one time range", field=field.value)
        for found in self.time_ranges:
            if found.after is not None and found.before is not None and found.after > found.before:
                raise InvalidInput(
                    f"{found.field.value}_after must not be later than {found.field.value}_before",
                    field=found.field.value,
                )
        order = list(TimeField)
        canonical = tuple(
            sorted((found for found in self.time_ranges if found.bounded), key=lambda r: order.index(r.field))
        )
        # Frozen: the canonical form is set once, here.
        object.__setattr__(self, "time_ranges", canonical)

    def time_range(self, field: TimeField) -> TimeRange:
        """The range on ``field``; unbounded when the query has none."""
        return next((found for found in self.time_ranges if found.field is field), TimeRange(field))

    @property
    def ordering(self) -> str:
        """``sort:order``, the label a cursor carries so it is only taken back by the same ordering."""
        return f"{self.sort.value}:{self.order.value}"


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: str
    counts: dict[TaskState, int]
    oldest_queued_run_at: datetime | None
    """The earliest run_at among QUEUED tasks: how long the head of the backlog has been due."""


@dataclass(frozen=True, slots=True)
class TaskPage:
    tasks: list[Task]
    next_cursor: str | None
    """Opaque; pass it back to get the page after this one. None on the last page."""
