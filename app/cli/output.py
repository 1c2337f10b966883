"""What the operator commands print: rich tables for people, the server's JSON verbatim with ``--json``.

Tables go to stdout, messages and errors to stderr, so ``--json`` output can be piped whatever happens.
Renderers read the wire shapes (``WireTask``, ``WireRecurringTask``) as plain dicts: the CLI speaks HTTP
only and does not import the API's models.
"""

import json
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

Json = Any

_FINISHED_STATES = frozenset({"done", "dead", "cancelled"})
_ERROR_SUMMARY_CHARS = 80


class Output:
    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self.console = Console(highlight=False)
        self.messages = Console(stderr=True, highlight=False)

    def json(self, value: Json) -> None:
        typer.echo(json.dumps(value, indent=2, ensure_ascii=False))

    def note(self, text: str) -> None:
        """A human remark on stderr (never mixed into --json output)."""
        self.messages.print(text)

    def task(self, task: Json) -> None:
        if self.as_json:
            self.json(task)
        else:
            self._details(f"task {task['queue']}/{task['id']}", _task_rows(task))

    def task_outcomes(self, tasks: Sequence[Json], *, title: str = "tasks") -> None:
        """What happened to each task: its attempts, when it runs or finished, why it failed."""
        table = Table(title=title, title_justify="left")
        for name in ("id", "queue", "state", "kind", "attempts"):
            table.add_column(name, overflow="fold")
        table.add_column("run at / finished (UTC)", no_wrap=True)
        table.add_column("last error", overflow="fold")
        for task in tasks:
            table.add_row(
                task["id"],
                task["queue"],
                task["state"],
                task["kind"],
                _attempts(task),
                _to_the_second(_ran_or_finished(task)),
                _error_summary(task),
            )
        self.console.print(table)

    def recurring(self, definition: Json) -> None:
        if self.as_json:
            self.json(definition)
        else:
            self._details(f"recurring task {definition['id']}", _recurring_rows(definition))

    def recurring_list(self, definitions: Sequence[Json]) -> None:
        if self.as_json:
            self.json(definitions)
            return
        table = Table(title="recurring tasks", title_justify="left")
        for name in ("id", "schedule", "timezone", "queue", "kind", "overlap", "paused", "last fire"):
            table.add_column(name, overflow="fold")
        for definition in definitions:
            task = definition["task_definition"]
            table.add_row(
                definition["id"],
                definition["schedule_expression"],
                definition["timezone"],
                task["queue"],
                task["kind"],
                definition["overlap_policy"],
                "yes" if definition["paused"] else "no",
                definition.get("last_fire_at") or "-",
            )
        self.console.print(table)

    def _details(self, title: str, rows: Iterable[tuple[str, Json]]) -> None:
        # The heading is its own line: a table title would wrap at the table's width.
        self.console.print(Text(title, style="bold"))
        table = Table(show_header=False)
        table.add_column("field", style="bold")
        table.add_column("value", overflow="fold")
        for name, value in rows:
            if value is not None:
                table.add_row(name, value if isinstance(value, str) else _compact(value))
        self.console.print(table)


def _compact(value: Json) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def _to_the_second(moment: str) -> str:
    """'2026-11-23T15:28:24.798429Z' -> '2026-11-23 15:28:24' (the server writes UTC)."""
    return moment[:19].replace("T", " ")


def _attempts(task: Json) -> str:
    return f"{task['attempted']}/{task['retry_times'] + 1}"


def _ran_or_finished(task: Json) -> str:
    """When a finished task finished; when any other task runs (next)."""
    if task["state"] not in _FINISHED_STATES:
        return str(task["run_at"])
    result = (task.get("last_claimed") or {}).get("result") or {}
    return str(result.get("at") or task["metadata"]["modified_at"])


def _error_summary(task: Json) -> str:
    """The failure's ``error`` or ``message`` text when it has one, else the failure as JSON; cut short."""
    failure = ((task.get("last_claimed") or {}).get("result") or {}).get("failure")
    if failure is None:
        failure = (task.get("cancellation") or {}).get("reason")
    if failure is None:
        return ""
    if isinstance(failure, dict):
        text = next((failure[key] for key in ("error", "message") if isinstance(failure.get(key), str)), None)
        failure = text if text is not None else failure
    summary = failure if isinstance(failure, str) else _compact(failure)
    return summary if len(summary) <= _ERROR_SUMMARY_CHARS else summary[: _ERROR_SUMMARY_CHARS - 1] + "…"


def _task_rows(task: Json) -> list[tuple[str, Json]]:
    claim = task.get("last_claimed") or {}
    result = claim.get("result") or {}
    cancellation = task.get("cancellation") or {}
    return [
        ("state", task["state"]),
        ("kind", task["kind"]),
        ("priority", str(task["priority"])),
        ("attempts", _attempts(task)),
        ("processing timeout", task["processing_timeout"]),
        ("run at", task["run_at"]),
        ("last enqueued at", task["last_enqueued_at"]),
        ("created at", task["metadata"]["created_at"]),
        ("modified at", task["metadata"]["modified_at"]),
        ("recurring task", task.get("recurring_task_id")),
        ("args", task.get("args")),
        ("context", task.get("context")),
        ("worker", claim.get("worker_id")),
        ("claimed at", claim.get("claimed_at")),
        ("times out at", claim.get("times_out_at")),
        ("last report", (claim.get("last_report") or {}).get("data")),
        ("finished at", result.get("at")),
        ("result", result.get("success")),
        ("failure", result.get("failure")),
        ("cancel requested at", cancellation.get("requested_at")),
        ("cancel reason", cancellation.get("reason")),
    ]


def _recurring_rows(definition: Json) -> list[tuple[str, Json]]:
    return [
        ("schedule", definition["schedule_expression"]),
        ("timezone", definition["timezone"]),
        ("overlap policy", definition["overlap_policy"]),
        ("catch-up window", definition["catchup_window"]),
        ("jitter", definition["jitter"]),
        ("paused", "yes" if definition["paused"] else "no"),
        ("last fire at", definition.get("last_fire_at")),
        ("buffered fire at", definition.get("buffered_fire_at")),
        ("task definition", definition["task_definition"]),
        ("created at", definition["metadata"]["created_at"]),
        ("modified at", definition["metadata"]["modified_at"]),
    ]
