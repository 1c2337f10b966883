"""The workers' ledger: what every worker process saw, one JSON line per event.

Every event carries its wall-clock time ``ts``, for reading a run's story afterwards. Each worker
process incarnation appends to its own file with one ``write(2)`` per event on an
``O_APPEND`` descriptor, so a SIGKILL loses at most the event being written (a torn last line, which
the reader skips) and never interleaves two writers. Events:

- ``claim``: a claim response handed this worker task ``t`` under lease ``l`` at attempt ``a``.
- ``run``: a handler started running ``t`` under ``l`` (the lease every later write of that run carries).
- ``ack``: the answer to a write ``o`` (done, failed, cancelled, unclaim, report, cancel) under lease
  ``l``: status ``c``, the error code ``x`` of an error, the task's state ``s`` after a success.
"""

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEDGER_SUFFIX = ".jsonl"
FINAL_STATES = frozenset({"done", "dead", "cancelled"})


class LedgerWriter:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def record(self, event: str, **fields: Any) -> None:
        line = json.dumps({"e": event, "ts": round(time.time(), 3), **fields}, separators=(",", ":")) + "\n"
        os.write(self._fd, line.encode())

    def close(self) -> None:
        os.close(self._fd)


def read_events(directory: Path) -> Iterator[dict[str, Any]]:
    for path in sorted(directory.glob(f"*{LEDGER_SUFFIX}")):
        with path.open() as lines:
            for line in lines:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue  # the line a SIGKILL tore


@dataclass
class TaskRecord:
    """Everything the ledger says about one task."""

    claims: list[str] = field(default_factory=list)  # lease tokens, in the order seen by each worker
    runs: int = 0
    # Leases whose finishing write (done, cancelled, or a failure that left the task dead) succeeded.
    final_writes: set[str] = field(default_factory=set)
    rejected_stale: int = 0  # 409 lease_superseded answers
    # Leases answered 400 task_not_claimed: one that had timed out and was not yet replaced, or a retry
    # of a write that had landed though its answer was lost with a killed server (the verdict tells).
    refused_late: list[str] = field(default_factory=list)


@dataclass
class LedgerSummary:
    tasks: dict[str, TaskRecord] = field(default_factory=dict)
    events: int = 0
    duplicate_leases: list[str] = field(default_factory=list)
    unexpected_answers: list[str] = field(default_factory=list)


def summarise(directory: Path) -> LedgerSummary:
    summary = LedgerSummary()
    seen_leases: set[str] = set()
    for event in read_events(directory):
        summary.events += 1
        record = summary.tasks.setdefault(event["t"], TaskRecord())
        kind = event["e"]
        if kind == "claim":
            if event["l"] in seen_leases:
                summary.duplicate_leases.append(f"{event['t']}: lease {event['l']} handed out twice")
            seen_leases.add(event["l"])
            record.claims.append(event["l"])
        elif kind == "run":
            record.runs += 1
        elif kind == "ack":
            _count_ack(event, record, summary)
    return summary


def _count_ack(event: dict[str, Any], record: TaskRecord, summary: LedgerSummary) -> None:
    status, code = event["c"], event.get("x")
    if status == 200:
        if event["o"] in ("done", "cancelled", "failed") and event.get("s") in FINAL_STATES:
            record.final_writes.add(event["l"])
        return
    if status == 409 and code == "lease_superseded":
        record.rejected_stale += 1
    elif status == 400 and code == "task_not_claimed":
        record.refused_late.append(event["l"])
    elif status == 409 and event["o"] == "cancel" and code == "task_already_finished":
        return  # asked to cancel a task a timeout had already ended (cancelled) under an earlier lease
    else:
        summary.unexpected_answers.append(f"{event['t']}: {event['o']} under {event['l']}: {status} {code}")
