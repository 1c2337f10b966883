"""``tasques tasks search``: ``GET /tasques/_search`` as a table of what happened to each task.

``--all`` follows ``next_cursor`` page by page (``--limit`` tasks per request) and stops at
``--max-tasks``, printing the cursor to continue from, so a broad search cannot run away.
"""

from dataclasses import dataclass
from typing import Annotated, Any

import typer

from app.cli.http_client import (
    DEFAULT_SERVER_URL,
    JsonOutputOption,
    ServerOption,
    TasquesClient,
    server_client,
)
from app.cli.output import Output
from app.cli.task_filters import (
    OrderOption,
    SortField,
    SortOption,
    SortOrder,
    TaskFilters,
    with_task_filters,
)

Json = Any

LimitOption = Annotated[int, typer.Option(min=1, help="Tasks per page (per request with --all)")]
CursorOption = Annotated[str | None, typer.Option(help="Continue from a previous page's next_cursor")]
AllPagesOption = Annotated[bool, typer.Option("--all", help="Follow next_cursor to the last page")]
IncludeArchiveOption = Annotated[bool, typer.Option(help="Search archived tasks too")]


@dataclass(frozen=True)
class FoundTasks:
    tasks: list[Json]
    next_cursor: str | None


def fetch_tasks(
    client: TasquesClient,
    parameters: dict[str, Json],
    *,
    cursor: str | None,
    all_pages: bool,
    max_tasks: int,
) -> FoundTasks:
    """One page, or with ``all_pages`` every page until the last one or ``max_tasks`` tasks."""
    tasks: list[Json] = []
    while True:
        page = client.get("/tasques/_search", params=parameters | ({"cursor": cursor} if cursor else {}))
        tasks.extend(page["tasks"])
        cursor = page.get("next_cursor")
        if not all_pages or not cursor or len(tasks) >= max_tasks:
            return FoundTasks(tasks, cursor)


@with_task_filters
def search(
    server: ServerOption = DEFAULT_SERVER_URL,
    *,
    filters: TaskFilters,
    sort: SortOption = SortField.CREATED,
    order: OrderOption = SortOrder.DESC,
    include_archive: IncludeArchiveOption = False,
    limit: LimitOption = 50,
    cursor: CursorOption = None,
    all_pages: AllPagesOption = False,
    max_tasks: Annotated[int, typer.Option(min=1, help="With --all, stop after this many tasks")] = 10_000,
    as_json: JsonOutputOption = False,
) -> None:
    """Search tasks, newest first (or by --sort): state, attempts, when they ran or finished and why
    they failed.

    Filters combine with AND, repeated ones with OR.

    --error-text and --text match whole words on Elasticsearch, any substring on SQLite.
    """
    output = Output(as_json=as_json)
    parameters = filters.given() | {"limit": limit}
    parameters |= {"include_archive": "true"} if include_archive else {}
    parameters |= {"sort": sort.value} if sort is not SortField.CREATED else {}
    parameters |= {"order": order.value} if order is not SortOrder.DESC else {}
    with server_client(server, output.messages) as client:
        found = fetch_tasks(client, parameters, cursor=cursor, all_pages=all_pages, max_tasks=max_tasks)
    if output.as_json:
        output.json({"tasks": found.tasks, "next_cursor": found.next_cursor})
        return
    output.task_outcomes(found.tasks)
    output.note(
        f"{len(found.tasks)} tasks" + (f"; more: --cursor {found.next_cursor}" if found.next_cursor else "")
    )
