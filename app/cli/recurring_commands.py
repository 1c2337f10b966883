"""``tasques recurring create | get | list | update | delete | pause | resume | backfill``.

``update`` changes only the options given. The server replaces a task definition whole, so when any
task option (``--queue``, ``--args``...) is given, the command reads the current definition, changes
those fields and sends the result.
"""

from enum import StrEnum
from typing import Annotated, Any

import typer

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

recurring_app = typer.Typer(
    name="recurring", help="Manage recurring (cron-scheduled) tasks.", no_args_is_help=True
)

Json = Any


class OverlapPolicy(StrEnum):
    SKIP = "skip"
    ALLOW_ALL = "allow_all"
    BUFFER_ONE = "buffer_one"
    CANCEL_OTHER = "cancel_other"


IdArgument = Annotated[str, typer.Argument(metavar="ID", help="Recurring task id")]
ScheduleOption = Annotated[
    str | None, typer.Option("--schedule", help="Cron expression or macro: '30 2 * * *', '@every 1m'")
]
TimezoneOption = Annotated[str | None, typer.Option(help="IANA zone for the cron fields")]
OverlapOption = Annotated[OverlapPolicy | None, typer.Option(help="What a fire does while tasks are out")]
CatchupOption = Annotated[str | None, typer.Option(help="Missed fires within this Go duration still fire")]
JitterOption = Annotated[str | None, typer.Option(help="Spread each fire's run_at up to this Go duration")]
QueueOption = Annotated[str | None, typer.Option("--queue", "-q", help="Queue of the tasks it enqueues")]
KindOption = Annotated[str | None, typer.Option("--kind", "-k", help="Kind of the tasks it enqueues")]
ArgsOption = Annotated[str | None, typer.Option(help="Task arguments, a JSON object")]
ContextOption = Annotated[str | None, typer.Option(help="Task context, a JSON object")]
PriorityOption = Annotated[int | None, typer.Option(help="Task priority")]
RetryOption = Annotated[int | None, typer.Option(min=0, help="Task retries")]
TimeoutOption = Annotated[str | None, typer.Option(help="Task processing timeout (Go duration)")]


@recurring_app.command()
def create(
    definition_id: IdArgument,
    schedule: ScheduleOption = None,
    queue: QueueOption = None,
    kind: KindOption = None,
    args: ArgsOption = None,
    context: ContextOption = None,
    priority: PriorityOption = None,
    retry_times: RetryOption = None,
    processing_timeout: TimeoutOption = None,
    timezone: TimezoneOption = None,
    overlap_policy: OverlapOption = None,
    catchup_window: CatchupOption = None,
    jitter: JitterOption = None,
    paused: Annotated[bool, typer.Option("--paused", help="Create it paused")] = False,
    server: ServerOption = DEFAULT_SERVER_URL,
    as_json: JsonOutputOption = False,
) -> None:
    """Create a recurring task."""
    if not schedule or not queue or not kind:
        raise typer.BadParameter("--schedule, --queue and --kind are required", param_hint="create")
    task = _task_fields(
        queue=queue,
        kind=kind,
        args=args,
        context=context,
        priority=priority,
        retry_times=retry_times,
        processing_timeout=processing_timeout,
    )
    body = {
        "id": definition_id,
        "schedule_expression": schedule,
        "task_definition": task,
        **_policy_fields(
            timezone=timezone, overlap_policy=overlap_policy, catchup_window=catchup_window, jitter=jitter
        ),
        **({"paused": True} if paused else {}),
    }
    output = Output(as_json=as_json)
    with server_client(server, output.messages) as client:
        output.recurring(client.post("/recurring_tasques", body))


@recurring_app.command()
def get(
    definition_id: IdArgument, server: ServerOption = DEFAULT_SERVER_URL, as_json: JsonOutputOption = False
) -> None:
    """Show one recurring task."""
    output = Output(as_json=as_json)
    with server_client(server, output.messages) as client:
        output.recurring(client.get(path("recurring_tasques", definition_id)))


@recurring_app.command("list")
def list_recurring(server: ServerOption = DEFAULT_SERVER_URL, as_json: JsonOutputOption = False) -> None:
    """List every recurring task."""
    output = Output(as_json=as_json)
    with server_client(server, output.messages) as client:
        output.recurring_list(client.get("/recurring_tasques"))


@recurring_app.command()
def update(
    definition_id: IdArgument,
    schedule: ScheduleOption = None,
    queue: QueueOption = None,
    kind: KindOption = None,
    args: ArgsOption = None,
    context: ContextOption = None,
    priority: PriorityOption = None,
    retry_times: RetryOption = None,
    processing_timeout: TimeoutOption = None,
    timezone: TimezoneOption = None,
    overlap_policy: OverlapOption = None,
    catchup_window: CatchupOption = None,
    jitter: JitterOption = None,
    server: ServerOption = DEFAULT_SERVER_URL,
    as_json: JsonOutputOption = False,
) -> None:
    """Change the given fields of a recurring task; the rest stay as they are."""
    body: dict[str, Json] = _policy_fields(
        timezone=timezone, overlap_policy=overlap_policy, catchup_window=catchup_window, jitter=jitter
    )
    if schedule:
        body["schedule_expression"] = schedule
    task_changes = _task_fields(
        queue=queue,
        kind=kind,
        args=args,
        context=context,
        priority=priority,
        retry_times=retry_times,
        processing_timeout=processing_timeout,
    )
    output = Output(as_json=as_json)
    if not body and not task_changes:
        raise typer.BadParameter("nothing to change: give at least one option", param_hint="update")
    with server_client(server, output.messages) as client:
        if task_changes:
            body["task_definition"] = _current_task_definition(client, definition_id) | task_changes
        output.recurring(client.put(path("recurring_tasques", definition_id), body))


@recurring_app.command()
def delete(
    definition_id: IdArgument, server: ServerOption = DEFAULT_SERVER_URL, as_json: JsonOutputOption = False
) -> None:
    """Delete a recurring task (the tasks it already enqueued stay)."""
    output = Output(as_json=as_json)
    with server_client(server, output.messages) as client:
        deleted = client.delete(path("recurring_tasques", definition_id))
    if as_json:
        output.json(deleted)
    else:
        output.console.print(f"deleted recurring task {deleted['id']}")


@recurring_app.command()
def pause(
    definition_id: IdArgument, server: ServerOption = DEFAULT_SERVER_URL, as_json: JsonOutputOption = False
) -> None:
    """Stop firing until resumed."""
    output = Output(as_json=as_json)
    with server_client(server, output.messages) as client:
        output.recurring(client.post(path("recurring_tasques", definition_id, "pause")))


@recurring_app.command()
def resume(
    definition_id: IdArgument,
    catch_up: Annotated[
        bool,
        typer.Option(
            "--catch-up", help="Also enqueue the fires missed while paused, within the catch-up window"
        ),
    ] = False,
    server: ServerOption = DEFAULT_SERVER_URL,
    as_json: JsonOutputOption = False,
) -> None:
    """Fire again from the next fire on; fires missed while paused do not happen unless --catch-up."""
    output = Output(as_json=as_json)
    body = {"catch_up": True} if catch_up else None
    with server_client(server, output.messages) as client:
        output.recurring(client.post(path("recurring_tasques", definition_id, "resume"), body))


@recurring_app.command()
def backfill(
    definition_id: IdArgument,
    start: Annotated[str, typer.Option(help="First instant, RFC 3339 with offset")],
    end: Annotated[str, typer.Option(help="Last instant (inclusive), RFC 3339 with offset")],
    server: ServerOption = DEFAULT_SERVER_URL,
    as_json: JsonOutputOption = False,
) -> None:
    """Enqueue the fires of a past time range (fires whose task exists already are skipped)."""
    output = Output(as_json=as_json)
    with server_client(server, output.messages) as client:
        result = client.post(
            path("recurring_tasques", definition_id, "backfill"), {"start": start, "end": end}
        )
    if as_json:
        output.json(result)
    else:
        output.console.print(
            f"enqueued {result['enqueued']} tasks, {result['duplicates']} fires already had one"
        )


def _task_fields(
    *,
    queue: str | None,
    kind: str | None,
    args: str | None,
    context: str | None,
    priority: int | None,
    retry_times: int | None,
    processing_timeout: str | None,
) -> dict[str, Json]:
    fields = {
        "queue": queue,
        "kind": kind,
        "args": parse_json_object(args, option="--args"),
        "context": parse_json_object(context, option="--context"),
        "priority": priority,
        "retry_times": retry_times,
        "processing_timeout": processing_timeout,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _policy_fields(
    *,
    timezone: str | None,
    overlap_policy: OverlapPolicy | None,
    catchup_window: str | None,
    jitter: str | None,
) -> dict[str, Json]:
    fields = {
        "timezone": timezone,
        "overlap_policy": overlap_policy.value if overlap_policy else None,
        "catchup_window": catchup_window,
        "jitter": jitter,
    }
    return {name: value for name, value in fields.items() if value is not None}


def _current_task_definition(client: TasquesClient, definition_id: str) -> dict[str, Json]:
    current = client.get(path("recurring_tasques", definition_id))["task_definition"]
    return {name: value for name, value in current.items() if value is not None}
