"""``tasques tasks enqueue --file``: a JSON-lines file of ``NewTaskBody`` objects, sent through
``POST /tasques/batch`` in chunks under a progress bar.

The file is read twice: once to count and check every line (so a typo on line 90 000 stops the run
before anything is sent) and once to send it, so memory stays flat however large the file is. Standard
input (``-``) can only be read once and is held in memory. Blank lines are skipped. A chunk the server
refuses (the batch endpoint validates a whole chunk before storing any of it) stops the run; the error
names its lines and what was created before it. Items that conflict with an existing id are not errors:
they are counted and listed.
"""

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from app.cli.http_client import ServerError, TasquesClient

Json = Any
NumberedTask = tuple[int, dict[str, Json]]


class BadTaskFile(Exception):
    """A line that is not a JSON object; raised before anything is sent."""


@dataclass
class BulkOutcome:
    created: int = 0
    conflicts: int = 0
    chunks: int = 0
    # One entry per item the server did not create: its line, status and message.
    refused: list[dict[str, Json]] = field(default_factory=list)

    def as_json(self) -> dict[str, Json]:
        return {
            "created": self.created,
            "conflicts": self.conflicts,
            "chunks": self.chunks,
            "refused": self.refused,
        }


def enqueue_file(client: TasquesClient, source: Path, *, chunk_size: int, console: Console) -> BulkOutcome:
    if str(source) == "-":
        tasks = list(_numbered_tasks(sys.stdin))
        return _send(client, tasks, total=len(tasks), chunk_size=chunk_size, console=console)
    with source.open(encoding="utf-8") as lines:
        total = sum(1 for _ in _numbered_tasks(lines))
    with source.open(encoding="utf-8") as lines:
        return _send(client, _numbered_tasks(lines), total=total, chunk_size=chunk_size, console=console)


def _numbered_tasks(lines: Iterable[str]) -> Iterator[NumberedTask]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            task = json.loads(line)
        except json.JSONDecodeError as error:
            raise BadTaskFile(f"line {number}: not JSON ({error.msg})") from error
        if not isinstance(task, dict):
            raise BadTaskFile(f"line {number}: expected a JSON object, got {type(task).__name__}")
        yield number, task


def _chunks(tasks: Iterable[NumberedTask], size: int) -> Iterator[list[NumberedTask]]:
    chunk: list[NumberedTask] = []
    for task in tasks:
        chunk.append(task)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _send(
    client: TasquesClient,
    tasks: Iterable[NumberedTask],
    *,
    total: int,
    chunk_size: int,
    console: Console,
) -> BulkOutcome:
    outcome = BulkOutcome()
    columns = (TextColumn("enqueueing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        bar = progress.add_task("enqueue", total=total)
        for chunk in _chunks(tasks, chunk_size):
            _send_chunk(client, chunk, outcome=outcome)
            progress.advance(bar, len(chunk))
    return outcome


def _send_chunk(client: TasquesClient, chunk: list[NumberedTask], *, outcome: BulkOutcome) -> None:
    try:
        result = client.post("/tasques/batch", {"tasks": [task for _, task in chunk]})
    except ServerError as error:
        lines = f"lines {chunk[0][0]}-{chunk[-1][0]}"
        raise ServerError(
            f"{lines} were refused: {error.message} ({outcome.created} tasks created before them)",
            status=error.status,
        ) from error
    outcome.chunks += 1
    outcome.created += int(result["created"])
    outcome.conflicts += int(result["conflicts"])
    for (line, _), item in zip(chunk, result["results"], strict=True):
        if item["status"] != 201:
            message = (item.get("error") or {}).get("message", "")
            outcome.refused.append({"line": line, "status": item["status"], "message": message})
