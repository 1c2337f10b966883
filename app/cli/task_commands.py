"""``tasques tasks enqueue | get | list | search | cancel``: the task endpoints over HTTP."""

from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.bulk_enqueue import BadTaskFile, enqueue_file
from app.cli.http_client import (
    DEFAULT_SERVER_URL,
    DEFAULT_TIMEOUT_SECONDS,
    JsonOutputOption,
    ServerOption,
    parse_json_object,
    path,
    server_client,
)
from app.cli.output import Output
from app.cli.task_search import search

tasks_app = typer.Typer(name="tasks", help="Enqueue, inspect, list and cancel tasks.", no_args_is_help=True)

Json = Any
MAX_CHUNK_SIZE = 1000  # the server's default tasks.limits.max_batch_size


@tasks_app.command()
def enqueue(
    server: ServerOption = DEFAULT_SERVER_URL,
    queue: Annotated[str | None, typer.Option("--queue", "-q", help="Queue name")] = None,
    kind: Annotated[str | None, typer.Option("--kind", "-k", help="Task kind")] = None,
    args: Annotated[str | None, typer.Option(help="Arguments, a JSON object")] = None,
    context: Annotated[str | None, typer.Option(help="Context, a JSON object")] = None,
    task_id: Annotated[str | None, typer.Option("--id", help="Idempotency key, unique per queue")] = None,
    priority: Annotated[int | None, typer.Option(help="Higher is claimed first")] = None,
    retry_times: Annotated[int | None, typer.Option(min=0, help="Retries after the first run")] = None,
    processing_timeout: Annotated[str | None, typer.Option(help="Go duration, e.g. 30m")] = None,
    run_at: Annotated[str | None, typer.Option(help="RFC 3339 time before which it is not claimed")] = None,
    wait: Annotated[str | None, typer.Option(help="Wait up to this Go duration for it to finish")] = None,
    file: Annotated[
        Path | None,
        typer.Option(
            "--file",
            "-f",
            help="Bulk mode: a JSON-lines file of task bodies ('-' reads stdin), sent in chunks",
            exists=True,
            dir_okay=False,
            allow_dash=True,
        ),
    ] = None,
    chunk_size: Annotated[
        int, typer.Option(min=1, max=MAX_CHUNK_SIZE, help="Tasks per POST /tasques/batch with --file")
    ] = 500,
    as_json: JsonOutputOption = False,
) -> None:
    """Enqueue one task from options, or many from --file."""
    output = Output(as_json=as_json)
    if file is not None:
        if queue or kind:
            raise typer.BadParameter("give either --file or --queue/--kind", param_hint="--file")
        _enqueue_file(server, file, chunk_size=chunk_size, output=output)
        return
    if not queue or not kind:
        raise typer.BadParameter("--queue and --kind are required (or --file)", param_hint="--queue/--kind")
    body = _without_nones(
        queue=queue,
        kind=kind,
        args=parse_json_object(args, option="--args"),
        context=parse_json_object(context, option="--context"),
        id=task_id,
        priority=priority,
        retry_times=retry_times,
        processing_timeout=processing_timeout,
        run_at=run_at,
    )
    # A waiting request is held by the server for up to --wait; give the transport room beyond it.
    timeout = DEFAULT_TIMEOUT_SECONDS * 10 if wait else DEFAULT_TIMEOUT_SECONDS
    with server_client(server, output.messages, timeout=timeout) as client:
        task = client.post("/tasques", body, params={"wait": wait} if wait else None)
    output.task(task)


def _enqueue_file(server: str, file: Path, *, chunk_size: int, output: Output) -> None:
    with server_client(server, output.messages) as client:
        try:
            outcome = enqueue_file(client, file, chunk_size=chunk_size, console=output.messages)
        except BadTaskFile as error:
            raise typer.BadParameter(str(error), param_hint="--file") from error
    if output.as_json:
        output.json(outcome.as_json())
        return
    output.console.print(f"created {outcome.created} tasks, {outcome.conflicts} conflicts")
    for item in outcome.refused[:20]:
        output.console.print(f"  line {item['line']}: {item['status']} {item['message']}")
    if len(outcome.refused) > 20:
        output.console.print(f"  ... and {len(outcome.refused) - 20} more (--json lists them all)")


@tasks_app.command()
def get(
    queue: Annotated[str, typer.Argument(help="Queue name")],
    task_id: Annotated[str, typer.Argument(metavar="ID", help="Task id")],
    server: ServerOption = DEFAULT_SERVER_URL,
    as_json: JsonOutputOption = False,
) -> None:
    """Show one task."""
    output = Output(as_json=as_json)
    with server_client(server, output.messages) as client:
        task = client.get(path("tasques", queue, task_id))
    output.task(task)


tasks_app.command()(search)
# The first name this command had; same options, same output.
tasks_app.command("list", help="Same as search.")(search)


@tasks_app.command()
def cancel(
    queue: Annotated[str, typer.Argument(help="Queue name")],
    task_id: Annotated[str, typer.Argument(metavar="ID", help="Task id")],
    server: ServerOption = DEFAULT_SERVER_URL,
    reason: Annotated[str | None, typer.Option(help="Recorded on the task")] = None,
    as_json: JsonOutputOption = False,
) -> None:
    """Cancel a task: a queued one ends at once, a running one is asked to stop."""
    output = Output(as_json=as_json)
    with server_client(server, output.messages) as client:
        task = client.post(path("tasques", queue, task_id, "cancel"), _without_nones(reason=reason))
    output.task(task)


def _without_nones(**fields: Json) -> dict[str, Json]:
    return {name: value for name, value in fields.items() if value is not None}
