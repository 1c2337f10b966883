"""The task filters that ``tasks list``, ``tasks search`` and the ``admin`` bulk actions share.

The same filters travel two ways: as ``GET /tasques/_search`` query parameters (``queue``, ``state``,
``kind``: repeated) and as the JSON query of ``POST /tasques/_bulk/{action}`` (``queues``, ``states``,
``kinds``: lists). ``TaskFilters`` holds one set and writes either shape. ``SearchOnlyFilters`` are
what search takes beyond that (more time ranges, error and free text, sort); bulk queries do not.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import typer

Json = Any

QueueFilter = Annotated[list[str] | None, typer.Option("--queue", "-q", help="Queue (repeat for several)")]
StateFilter = Annotated[list[str] | None, typer.Option(help="State, e.g. queued, dead (repeatable)")]
KindFilter = Annotated[list[str] | None, typer.Option("--kind", "-k", help="Kind (repeatable)")]
WorkerFilter = Annotated[str | None, typer.Option(help="Last claimed by this worker")]
RecurringFilter = Annotated[str | None, typer.Option(help="Enqueued by this recurring task")]
CreatedAfterFilter = Annotated[str | None, typer.Option(help="Created at or after this RFC 3339 time")]
CreatedBeforeFilter = Annotated[str | None, typer.Option(help="Created before this RFC 3339 time")]


@dataclass(frozen=True, kw_only=True)
class TaskFilters:
    queues: list[str]
    states: list[str]
    kinds: list[str]
    worker_id: str | None = None
    recurring_task_id: str | None = None
    created_after: str | None = None
    created_before: str | None = None

    @classmethod
    def of(
        cls,
        *,
        queue: list[str] | None,
        state: list[str] | None,
        kind: list[str] | None,
        worker_id: str | None,
        recurring_task_id: str | None,
        created_after: str | None,
        created_before: str | None,
    ) -> "TaskFilters":
        return cls(
            queues=queue or [],
            states=state or [],
            kinds=kind or [],
            worker_id=worker_id,
            recurring_task_id=recurring_task_id,
            created_after=created_after,
            created_before=created_before,
        )

    def query_body(self) -> dict[str, Json]:
        """The bulk API's ``query`` object: only the filters that were given."""
        return {name: value for name, value in vars(self).items() if value}

    def search_parameters(self, *, include_archive: bool, limit: int) -> dict[str, Json]:
        """``GET /tasques/_search`` parameters (lists repeat the parameter)."""
        renamed = {"queues": "queue", "states": "state", "kinds": "kind"}
        parameters = {renamed.get(name, name): value for name, value in self.query_body().items()}
        return parameters | {"limit": limit} | ({"include_archive": "true"} if include_archive else {})


class SortField(StrEnum):
    """``GET /tasques/_search``'s ``sort`` values."""

    CREATED = "created"
    RUN_AT = "run_at"
    PRIORITY = "priority"
    FINISHED = "finished"


class SortOrder(StrEnum):
    DESC = "desc"
    ASC = "asc"


def _time_option(what: str) -> Any:
    return typer.Option(help=f"{what} (RFC 3339)", rich_help_panel="Time ranges")


RunAtAfterFilter = Annotated[str | None, _time_option("Due (run_at) at or after")]
RunAtBeforeFilter = Annotated[str | None, _time_option("Due (run_at) before")]
ClaimedAfterFilter = Annotated[str | None, _time_option("Last claimed at or after")]
ClaimedBeforeFilter = Annotated[str | None, _time_option("Last claimed before")]
FinishedAfterFilter = Annotated[str | None, _time_option("Done, dead or cancelled at or after")]
FinishedBeforeFilter = Annotated[str | None, _time_option("Done, dead or cancelled before")]
ErrorTextFilter = Annotated[
    str | None, typer.Option(help="Failure data contains this text (case-insensitive)")
]
TextFilter = Annotated[
    str | None, typer.Option("--text", "-t", help="Args or result data contain this text (case-insensitive)")
]
SortOption = Annotated[SortField, typer.Option(help="Order by this time or priority")]
OrderOption = Annotated[SortOrder, typer.Option(help="Largest or latest first (desc), or smallest (asc)")]


@dataclass(frozen=True, kw_only=True)
class SearchOnlyFilters:
    run_at_after: str | None = None
    run_at_before: str | None = None
    claimed_after: str | None = None
    claimed_before: str | None = None
    finished_after: str | None = None
    finished_before: str | None = None
    error_text: str | None = None
    text: str | None = None
    sort: SortField = SortField.CREATED
    order: SortOrder = SortOrder.DESC

    def search_parameters(self) -> dict[str, Json]:
        """The given filters, and sort and order when not the default."""
        given = {name: value for name, value in vars(self).items() if value and name not in {"sort", "order"}}
        if self.sort is not SortField.CREATED:
            given["sort"] = self.sort.value
        if self.order is not SortOrder.DESC:
            given["order"] = self.order.value
        return given
