"""The stored task document, shared by both backends.

It keeps Tasques' Elasticsearch ``_source`` shape (``remaining_attempts`` instead of ``attempted``,
``processing_timeout`` in integer nanoseconds, omitted keys instead of nulls) so documents written by
Go Tasques stay readable. Extensions are additive keys: ``last_claimed.lease_token`` and ``backoff``.

Flow control keys (``concurrency_key``, ``rate_limit_key``, ``required_capabilities``) are written only
when set. ``required_capabilities_count`` is derived, written beside ``required_capabilities`` for
Elasticsearch's ``terms_set`` query (``minimum_should_match_field``), and ignored on read.

``error_class`` is derived too: written on FAILED and DEAD tasks (``app.domain.error_classes``) so both
backends can group failures by it, and ignored on read. Documents without it (written before it
existed, or by Go Tasques) count as ``unclassified``.
"""

import functools
from datetime import UTC, datetime
from typing import Any

from app.domain.backoff import BackoffPolicy
from app.domain.durations import duration_to_nanos, nanos_to_duration
from app.domain.error_classes import task_error_class
from app.domain.states import TaskState
from app.domain.task import Cancellation, Checkpoint, LastClaimed, Metadata, Report, Result, Task, Version

Document = dict[str, Any]


@functools.lru_cache(maxsize=4096)
def format_stored_time(moment: datetime) -> str:
    """RFC 3339 in UTC with microseconds; ES ``date`` fields and SQLite text both order it correctly.

    Cached: the tasks of one batch share most of their instants (the claim or finish time)."""
    # isoformat, not strftime: strftime("%Y") drops the leading zeros of years before 1000.
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@functools.lru_cache(maxsize=4096)
def parse_stored_time(text: str) -> datetime:
    # Cached as format_stored_time is: the tasks of one batch were enqueued, claimed and finished at once.
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


TASK_DOCUMENT_KEYS = frozenset(
    {
        "id", "queue", "retry_times", "remaining_attempts", "kind", "state", "run_at", "processing_timeout",
        "priority", "last_enqueued_at", "metadata", "args", "context", "recurring_task_id", "last_claimed",
        "backoff", "cancellation", "trace_context", "concurrency_key", "rate_limit_key",
        "required_capabilities", "required_capabilities_count", "error_class", "checkpoint",
    }
)  # fmt: skip
"""Every top-level key ``task_to_document`` may write; any other key in a stored document was written by
someone else (a newer tasques, a tool) and is theirs to keep."""


def task_to_document(task: Task) -> Document:
    document: Document = {
        "id": task.id,
        "queue": task.queue,
        "retry_times": task.retry_times,
        "remaining_attempts": task.remaining_attempts,
        "kind": task.kind,
        "state": task.state.value,
        "run_at": format_stored_time(task.run_at),
        "processing_timeout": duration_to_nanos(task.processing_timeout),
        "priority": task.priority,
        "last_enqueued_at": format_stored_time(task.last_enqueued_at),
        "metadata": {
            "created_at": format_stored_time(task.metadata.created_at),
            "modified_at": format_stored_time(task.metadata.modified_at),
        },
    }
    _put_if_set(document, "args", task.args)
    _put_if_set(document, "context", task.context)
    _put_if_set(document, "recurring_task_id", task.recurring_task_id)
    if task.last_claimed is not None:
        document["last_claimed"] = _last_claimed_to_document(task.last_claimed)
    if task.backoff is not None:
        document["backoff"] = backoff_to_document(task.backoff)
    if task.cancellation is not None:
        document["cancellation"] = {"requested_at": format_stored_time(task.cancellation.requested_at)}
        _put_if_set(document["cancellation"], "reason", task.cancellation.reason)
    _put_if_set(document, "trace_context", task.trace_context)
    _put_if_set(document, "concurrency_key", task.concurrency_key)
    _put_if_set(document, "rate_limit_key", task.rate_limit_key)
    if task.required_capabilities:
        document["required_capabilities"] = list(task.required_capabilities)
        document["required_capabilities_count"] = len(task.required_capabilities)
    _put_if_set(document, "error_class", task_error_class(task))
    if task.checkpoint is not None:
        document["checkpoint"] = {
            "at": format_stored_time(task.checkpoint.at),
            "attempt": task.checkpoint.attempt,
            "data": task.checkpoint.data,
        }
    return document


def task_from_document(document: Document, version: Version) -> Task:
    retry_times = int(document["retry_times"])
    metadata = document["metadata"]
    return Task(
        id=document["id"],
        queue=document["queue"],
        retry_times=retry_times,
        attempted=retry_times + 1 - int(document["remaining_attempts"]),
        kind=document["kind"],
        state=TaskState(document["state"]),
        priority=int(document["priority"]),
        processing_timeout=nanos_to_duration(int(document["processing_timeout"])),
        run_at=parse_stored_time(document["run_at"]),
        args=document.get("args"),
        context=document.get("context"),
        last_claimed=_last_claimed_from_document(document.get("last_claimed")),
        last_enqueued_at=parse_stored_time(document["last_enqueued_at"]),
        metadata=Metadata(
            created_at=parse_stored_time(metadata["created_at"]),
            modified_at=parse_stored_time(metadata["modified_at"]),
            version=version,
        ),
        recurring_task_id=document.get("recurring_task_id"),
        backoff=backoff_from_document(document.get("backoff")),
        cancellation=_cancellation_from_document(document.get("cancellation")),
        checkpoint=_checkpoint_from_document(document.get("checkpoint")),
        trace_context=document.get("trace_context"),
        concurrency_key=document.get("concurrency_key"),
        rate_limit_key=document.get("rate_limit_key"),
        required_capabilities=_capabilities_from_document(document.get("required_capabilities")),
    )


def _put_if_set(document: Document, key: str, value: Any) -> None:
    if value is not None:
        document[key] = value


def _last_claimed_to_document(claim: LastClaimed) -> Document:
    document: Document = {
        "worker_id": claim.worker_id,
        "claimed_at": format_stored_time(claim.claimed_at),
        "times_out_at": format_stored_time(claim.times_out_at),
        "lease_token": claim.lease_token,
    }
    if claim.last_report is not None:
        document["last_report"] = {"at": format_stored_time(claim.last_report.at)}
        _put_if_set(document["last_report"], "data", claim.last_report.data)
    if claim.report_recorded_at is not None:
        document["report_recorded_at"] = format_stored_time(claim.report_recorded_at)
    if claim.result is not None:
        document["result"] = {"at": format_stored_time(claim.result.at)}
        _put_if_set(document["result"], "success", claim.result.success)
        _put_if_set(document["result"], "failure", claim.result.failure)
    return document


def _last_claimed_from_document(document: Document | None) -> LastClaimed | None:
    if not document:
        return None
    report = document.get("last_report")
    result = document.get("result")
    return LastClaimed(
        worker_id=document["worker_id"],
        claimed_at=parse_stored_time(document["claimed_at"]),
        times_out_at=parse_stored_time(document["times_out_at"]),
        # Documents written by Go Tasques carry no token; an empty one matches no presented token.
        lease_token=document.get("lease_token", ""),
        last_report=Report(at=parse_stored_time(report["at"]), data=report.get("data")) if report else None,
        report_recorded_at=parse_optional_time(document.get("report_recorded_at")),
        result=(
            Result(
                at=parse_stored_time(result["at"]),
                success=result.get("success"),
                failure=result.get("failure"),
            )
            if result
            else None
        ),
    )


def backoff_to_document(backoff: BackoffPolicy) -> Document:
    return {
        "strategy": backoff.strategy.value,
        "base": duration_to_nanos(backoff.base),
        "max": duration_to_nanos(backoff.max),
        "jitter": backoff.jitter,
    }


def backoff_from_document(document: Document | None) -> BackoffPolicy | None:
    if not document:
        return None
    return BackoffPolicy(
        strategy=document["strategy"],
        base=nanos_to_duration(int(document["base"])),
        max=nanos_to_duration(int(document["max"])),
        jitter=float(document["jitter"]),
    )


def parse_optional_time(value: str | None) -> datetime | None:
    return parse_stored_time(value) if value else None


def _cancellation_from_document(document: Document | None) -> Cancellation | None:
    if not document:
        return None
    return Cancellation(
        requested_at=parse_stored_time(document["requested_at"]), reason=document.get("reason")
    )


def _checkpoint_from_document(document: Document | None) -> Checkpoint | None:
    if not document:
        return None
    return Checkpoint(
        at=parse_stored_time(document["at"]), attempt=int(document["attempt"]), data=document["data"]
    )


def _capabilities_from_document(value: Any) -> tuple[str, ...] | None:
    if not value:
        return None
    # ES hands back a single-valued keyword list as written, but a hand-written document may hold a string.
    return tuple(sorted({value} if isinstance(value, str) else set(value)))
