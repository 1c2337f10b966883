"""What listing tasks asks and answers: filters and ordering (``TaskQuery``), pages and per-queue counts.

The API, the services and stored admin jobs speak this vocabulary; the storage port takes it as is.
"""

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
    after: datetime | None
    """Inclusive"""
    before: datetime | None
    """Exclusive"""


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskQuery:
    """Filters for listing tasks; empty tuples and None mean "any". Ordered by ``sort`` (default: newest
    created first), ties by queue, id. ``error_text`` matches the failure data
    (last_claimed.result.failure), ``text`` the args and the result data (success or failure): a
    case-insensitive substring on SQLite, a phrase of whole words on Elasticsearch (see the backends),
    so a query of whole words answers the same on both. Raises ``InvalidInput`` for an empty range
    (after later than before)."""

    queues: tuple[str, ...] = ()
    states: tuple[TaskState, ...] = ()
    kinds: tuple[str, ...] = ()
    worker_id: str | None = None
    recurring_task_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    include_archive: bool = False
    run_at_after: datetime | None = None
    run_at_before: datetime | None = None
    claimed_after: datetime | None = None
    claimed_before: datetime | None = None
    finished_after: datetime | None = None
    finished_before: datetime | None = None
    error_text: str | None = None
    text: str | None = None
    sort: TaskSort = TaskSort.CREATED
    order: SortOrder = SortOrder.DESC

    def __post_init__(self) -> None:
        for found in self.time_ranges():
            if found.after is not None and found.before is not None and found.after > found.before:
                raise InvalidInput(
                    f"{found.field.value}_after must not be later than {found.field.value}_before",
                    field=found.field.value,
                )

    def time_ranges(self) -> list[TimeRange]:
        """The ranges with at least one bound."""
        ranges = [
            TimeRange(TimeField.CREATED, self.created_after, self.created_before),
            TimeRange(TimeField.RUN_AT, self.run_at_after, self.run_at_before),
            TimeRange(TimeField.CLAIMED, self.claimed_after, self.claimed_before),
            TimeRange(TimeField.FINISHED, self.finished_after, self.finished_before),
        ]
        return [found for found in ranges if found.after is not None or found.before is not None]

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
