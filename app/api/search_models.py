"""The task search query as ``GET /tasques/_search`` parameters and as the ``POST`` body, and the page
both answer with. Both build one ``TaskQuery`` through ``task_query``, so they cannot drift apart."""

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, StrictStr

from app.api.aggregation_models import WireAggregations
from app.api.request_models import aware_utc
from app.api.wire_models import WireTask
from app.domain.queries import TIME_BOUND_NAMES, SortOrder, TaskQuery, TaskSort, time_ranges_from_bounds
from app.domain.states import TaskState

MAX_SEARCH_TEXT_LENGTH = 1000
DEFAULT_LIMIT = 50

SEARCH_DESCRIPTION = (
    "Filters combine with AND; several queue, state or kind values combine with OR. Time ranges: "
    "`<field>_after` is inclusive, `<field>_before` exclusive, for created (metadata.created_at), run_at, "
    "claimed (last_claimed.claimed_at; never-claimed tasks never match) and finished (the time a task "
    "reached done, dead or cancelled: its metadata.modified_at; only tasks in those states match); an "
    "after later than its before answers 400. `error_text` matches the failure data "
    "(last_claimed.result.failure), `text` the args and the result data (success or failure): "
    "case-insensitively, as a substring on SQLite and as a phrase of whole words on Elasticsearch, so "
    "whole words answer the same on both. `sort`: created (default), run_at, priority or finished "
    "(metadata.modified_at), `order` desc (default) or asc; ties by queue, then id. A cursor only "
    "continues the sort and order it came from (400 otherwise). "
    "On Elasticsearch the listing shows writes after the index refresh (1 s by default). "
)


class WireTaskPage(BaseModel):
    tasks: list[WireTask]
    next_cursor: str | None = Field(description="Pass as cursor for the next page; null on the last page")
    aggregations: WireAggregations | None = Field(
        default=None, description="Extension: present only when aggs names aggregations"
    )


class TimeRanges(BaseModel):
    """The time bounds by their wire names (``TIME_BOUND_NAMES``), declared one by one for the schema."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    created_after: datetime | None = None
    created_before: datetime | None = None
    run_at_after: datetime | None = None
    run_at_before: datetime | None = None
    claimed_after: datetime | None = None
    claimed_before: datetime | None = None
    finished_after: datetime | None = None
    finished_before: datetime | None = None


class TaskFilterBody(TimeRanges):
    """The filters of a search as one JSON object: what ``POST /tasques/_search`` and the bulk actions'
    ``query`` (``POST /tasques/_bulk/{action}``) both take."""

    queue: list[StrictStr] = Field(default_factory=list, description="Any of these queues")
    state: list[TaskState] = Field(default_factory=list, description="Any of these states")
    kind: list[StrictStr] = Field(default_factory=list, description="Any of these kinds")
    worker_id: StrictStr | None = None
    recurring_task_id: StrictStr | None = None
    error_text: StrictStr | None = Field(default=None, max_length=MAX_SEARCH_TEXT_LENGTH)
    text: StrictStr | None = Field(default=None, max_length=MAX_SEARCH_TEXT_LENGTH)
    include_archive: StrictBool = False

    def filter_query(
        self, *, sort: TaskSort = TaskSort.CREATED, order: SortOrder = SortOrder.DESC
    ) -> TaskQuery:
        return task_query(
            self,
            queues=self.queue,
            states=self.state,
            kinds=self.kind,
            worker_id=self.worker_id,
            recurring_task_id=self.recurring_task_id,
            error_text=self.error_text,
            text=self.text,
            include_archive=self.include_archive,
            sort=sort,
            order=order,
        )


class SearchBody(TaskFilterBody):
    """The query of GET /tasques/_search as one JSON object, for POST /tasques/_search."""

    sort: TaskSort = TaskSort.CREATED
    order: SortOrder = SortOrder.DESC
    limit: StrictInt = Field(
        default=DEFAULT_LIMIT, ge=0, description="0 (with aggs only): no tasks, just aggregations"
    )
    cursor: StrictStr | None = None
    aggs: list[StrictStr] | None = Field(
        default=None, description="Aggregations to compute (each entry may be comma-separated)"
    )

    def to_query(self) -> TaskQuery:
        return self.filter_query(sort=self.sort, order=self.order)


def _text(value: str | None) -> str | None:
    """Blank means no filter (an empty search box)."""
    return value.strip() or None if value is not None else None


def task_query(
    ranges: TimeRanges,
    *,
    queues: list[str],
    states: list[TaskState],
    kinds: list[str],
    worker_id: str | None,
    recurring_task_id: str | None,
    error_text: str | None,
    text: str | None,
    include_archive: bool,
    sort: TaskSort,
    order: SortOrder,
) -> TaskQuery:
    """The store query; 400 (``InvalidInput``) for a time without offset or an empty range."""

    def at(name: str) -> datetime | None:
        moment: datetime | None = getattr(ranges, name)
        return aware_utc(moment, name) if moment is not None else None

    bounds = {name: at(name) for name in TIME_BOUND_NAMES}

    return TaskQuery(
        queues=tuple(queues),
        states=tuple(states),
        kinds=tuple(kinds),
        worker_id=worker_id,
        recurring_task_id=recurring_task_id,
        error_text=_text(error_text),
        text=_text(text),
        include_archive=include_archive,
        sort=sort,
        order=order,
        time_ranges=time_ranges_from_bounds(bounds),
    )
