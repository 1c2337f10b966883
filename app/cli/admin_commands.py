"""``tasques admin retry | cancel | requeue | delete | reprioritize``: query-driven bulk actions over HTTP.

Each is ``POST /tasques/_bulk/{action}``. ``--dry-run`` shows how many live tasks match and a sample;
otherwise the server answers with an admin job that its leader works through in batches, and the
command follows ``GET /admin/jobs/{id}`` with a progress bar (on stderr, so ``--json`` stays clean)
until the job ends, or returns at once with ``--no-wait``. The query is the filter options (those of
``tasques tasks search``, from ``with_task_filters``), the ``--query`` JSON object (by the names
``POST /tasques/_search`` takes), or both (a key given both ways is refused). An empty query would act
on every live task, so it needs ``--all-tasks``.
"""

import time
from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.cli.http_client import (
    DEFAULT_SERVER_URL,
    JsonOutputOption,
    ServerOption,
    TasquesClient,
    parse_json_object,
    path,
    server_client,
)
from app.cli.output import Output
from app.cli.task_filters import TaskFilters, with_task_filters

Json = Any

admin_app = typer.Typer(
    name="admin", help="Bulk actions on the live tasks a query selects.", no_args_is_help=True
)

_ACTIONS = {
    "retry": "Retry dead, cancelled or failed tasks with fresh attempts.",
    "requeue": "Make waiting tasks (queued for later, failed and backing off) due now.",
    "cancel": "Cancel tasks: queued ones end at once, running ones are asked to stop.",
    "delete": "Delete tasks that are not claimed (their history stays).",
    "reprioritize": "Change unfinished tasks' priority (--priority).",
}
_ENDED = frozenset({"done", "failed"})
_OLDER_SPELLINGS = {"queues": "queue", "states": "state", "kinds": "kind"}
"""Names the server still takes in a bulk query for search's queue, state and kind."""


def _bulk_command(action: str, summary: str) -> Callable[..., None]:
    priority_option = typer.Option(
        help="The new priority" if action == "reprioritize" else "reprioritize only",
        hidden=action != "reprioritize",
    )

    @with_task_filters
    def command(
        server: ServerOption = DEFAULT_SERVER_URL,
        *,
        filters: TaskFilters,
        query: Annotated[
            str | None,
            typer.Option(
                help='The bulk query as JSON, as POST /tasques/_search takes it, e.g. \'{"state": ["dead"]}\''
            ),
        ] = None,
        all_tasks: Annotated[bool, typer.Option(help="Allow an empty query: every live task")] = False,
        priority: Annotated[int | None, priority_option] = None,
        dry_run: Annotated[
            bool, typer.Option(help="Only count the matching tasks and show a sample")
        ] = False,
        wait: Annotated[
            bool, typer.Option(help="Follow the job until it ends (--no-wait: print its id)")
        ] = True,
        poll_interval: Annotated[float, typer.Option(min=0.05, help="Seconds between progress checks")] = 0.5,
        as_json: JsonOutputOption = False,
    ) -> None:
        if action == "reprioritize" and priority is None:
            raise typer.BadParameter("reprioritize needs --priority", param_hint="--priority")
        body: dict[str, Json] = {"query": _query(filters, query, all_tasks=all_tasks)}
        if priority is not None:
            body["priority"] = priority
        output = Output(as_json=as_json)
        with server_client(server, output.messages) as client:
            if dry_run:
                _preview(output, client.post(path("tasques", "_bulk", action), body | {"dry_run": True}))
                return
            job = client.post(path("tasques", "_bulk", action), body)["job"]
            if wait:
                job = _follow(client, job, output=output, poll_interval=poll_interval)
        _report(output, job, waited=wait)

    command.__doc__ = summary
    return command


for _action, _summary in _ACTIONS.items():
    admin_app.command(_action)(_bulk_command(_action, _summary))


def _query(filters: TaskFilters, text: str | None, *, all_tasks: bool) -> dict[str, Json]:
    given = parse_json_object(text, option="--query") or {}
    options = filters.given()
    named = {_OLDER_SPELLINGS.get(name, name) for name in given}
    if twice := sorted(named & set(options)):
        raise typer.BadParameter(
            f"{', '.join(twice)} given both as an option and in --query", param_hint="--query"
        )
    query = given | options
    if not any(query.values()) and not all_tasks:
        raise typer.BadParameter("an empty query selects every live task: add filters, or --all-tasks")
    return query


def _preview(output: Output, preview: Json) -> None:
    if output.as_json:
        output.json(preview)
        return
    output.console.print(f"{preview['count']} tasks match")
    if preview["sample"]:
        output.task_outcomes(preview["sample"], title="sample")


def _follow(client: TasquesClient, job: Json, *, output: Output, poll_interval: float) -> Json:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=output.messages) as progress:
        bar = progress.add_task(f"{job['action']} (job {job['id']})", total=job["total"])
        while True:
            progress.update(bar, completed=job["processed"])
            if job["status"] in _ENDED:
                return job
            time.sleep(poll_interval)
            job = client.get(path("admin", "jobs", job["id"]))["job"]


def _report(output: Output, job: Json, *, waited: bool) -> None:
    if output.as_json:
        output.json(job)
    elif not waited:
        output.console.print(job["id"])
        output.note(
            f"{job['action']} of {job['total']} tasks started; follow it at GET /admin/jobs/{job['id']}"
        )
    else:
        output.console.print(
            f"{job['action']} {job['status']}: {job['succeeded']} done, {job['skipped']} skipped "
            f"(changed meanwhile or not allowed), {job['processed']} of {job['total']} processed"
        )
    if job["status"] == "failed":
        raise typer.Exit(code=1)
