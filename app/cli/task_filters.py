"""The task filters that ``tasks search`` and the ``admin`` bulk actions share.

Both send the same filters by the same names: as ``GET /tasques/_search`` query parameters (``queue``,
``state``, ``kind`` repeated) and as the JSON query of ``POST /tasques/_bulk/{action}`` (those three
as lists). ``TaskFilters`` holds one set; ``with_task_filters`` gives a command every filter option
from one parameter list (typer reads a command's options from its signature, so the decorated command
shows the filter options in place of its ``filters`` parameter), so the two commands cannot drift apart.
Sort and order are search's alone.
"""

import functools
import inspect
from collections.abc import Callable
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
class TaskFilters:
    """The filters given, by the names search and bulk queries take."""

    queue: list[str]
    state: list[str]
    kind: list[str]
    worker_id: str | None = None
    recurring_task_id: str | None = None
    created_after: str | None = None
    created_before: str | None = None
    run_at_after: str | None = None
    run_at_before: str | None = None
    claimed_after: str | None = None
    claimed_before: str | None = None
    finished_after: str | None = None
    finished_before: str | None = None
    error_text: str | None = None
    text: str | None = None

    def given(self) -> dict[str, Json]:
        """Only the filters that were given: the bulk query, or search parameters (lists repeat)."""
        return {name: value for name, value in vars(self).items() if value}


def _filter_options(
    queue: QueueFilter = None,
    state: StateFilter = None,
    kind: KindFilter = None,
    worker_id: WorkerFilter = None,
    recurring_task_id: RecurringFilter = None,
    created_after: CreatedAfterFilter = None,
    created_before: CreatedBeforeFilter = None,
    run_at_after: RunAtAfterFilter = None,
    run_at_before: RunAtBeforeFilter = None,
    claimed_after: ClaimedAfterFilter = None,
    claimed_before: ClaimedBeforeFilter = None,
    finished_after: FinishedAfterFilter = None,
    finished_before: FinishedBeforeFilter = None,
    error_text: ErrorTextFilter = None,
    text: TextFilter = None,
) -> TaskFilters:
    """The one list of filter options; a command gets them through ``with_task_filters``."""
    given = dict(locals())
    return TaskFilters(**given | {"queue": queue or [], "state": state or [], "kind": kind or []})


def with_task_filters(command: Callable[..., None]) -> Callable[..., None]:
    """``command`` takes ``filters: TaskFilters``; the command returned takes every filter option
    there instead, and calls ``command`` with them gathered into ``filters``."""
    shared = inspect.signature(_filter_options).parameters
    own = inspect.signature(command)
    parameters = [
        parameter
        for mine in own.parameters.values()
        for parameter in (
            [option.replace(kind=inspect.Parameter.KEYWORD_ONLY) for option in shared.values()]
            if mine.name == "filters"
            else [mine]
        )
    ]

    @functools.wraps(command)
    def with_filters(**arguments: Any) -> None:
        filters = _filter_options(**{name: arguments.pop(name) for name in shared})
        command(filters=filters, **arguments)

    with_filters.__signature__ = own.replace(parameters=parameters)  # type: ignore[attr-defined]
    with_filters.__annotations__ = {parameter.name: parameter.annotation for parameter in parameters}
    return with_filters
