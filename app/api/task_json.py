"""Tasks rendered straight to JSON bytes, the hot path of every task response.

``WireTask`` (``wire_models``) stays the schema and the reference rendering; building and dumping one
costs ~60 µs a task, which at batch sizes was most of a request. This builds the same plain dict and
dumps it with orjson, the same bytes (tests/api/test_task_json.py holds them equal over generated
tasks). Payloads orjson refuses (integers beyond 64 bits) take the reference path.
"""

import json
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

import orjson
from pydantic import TypeAdapter

from app.api.wire_models import (
    ErrorBody,
    WireBatchItem,
    WireBatchResult,
    WireFinishItem,
    WireFinishResult,
    WireTask,
    wire_task,
)
from app.domain.durations import format_go_duration
from app.domain.errors import TaskAlreadyExists, TasquesError
from app.domain.states import TaskState
from app.domain.task import LastClaimed, Metadata, Task

_OPTIONS = orjson.OPT_UTC_Z
_TASK_LIST = TypeAdapter(list[WireTask])


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


def _metadata(metadata: Metadata) -> dict[str, Any]:
    version = metadata.version
    return {
        "created_at": metadata.created_at,
        "modified_at": metadata.modified_at,
        "version": {
            "seq_num": version.seq_num if version else 0,
            "primary_term": version.primary_term if version else 0,
        },
    }


def _last_claimed(claim: LastClaimed) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "worker_id": claim.worker_id,
        "claimed_at": claim.claimed_at,
        "times_out_at": claim.times_out_at,
    }
    if claim.last_report is not None:
        report: dict[str, Any] = {"at": claim.last_report.at}
        _put(report, "data", claim.last_report.data)
        rendered["last_report"] = report
    if claim.result is not None:
        result: dict[str, Any] = {"at": claim.result.at}
        _put(result, "failure", claim.result.failure)
        _put(result, "success", claim.result.success)
        rendered["result"] = result
    return rendered


def task_dict(task: Task, *, for_claimer: bool = False) -> dict[str, Any]:
    """``wire_task(task).model_dump(exclude_none=True)`` with datetimes left for orjson, field order kept."""
    rendered: dict[str, Any] = {
        "id": task.id,
        "queue": task.queue,
        "retry_times": task.retry_times,
        "attempted": task.attempted,
        "kind": task.kind,
        "state": task.state.value,
        "priority": task.priority,
        "processing_timeout": format_go_duration(task.processing_timeout),
        "run_at": task.run_at,
    }
    _put(rendered, "args", task.args)
    _put(rendered, "context", task.context)
    if task.last_claimed is not None:
        rendered["last_claimed"] = _last_claimed(task.last_claimed)
    rendered["last_enqueued_at"] = task.last_enqueued_at
    rendered["metadata"] = _metadata(task.metadata)
    _put(rendered, "recurring_task_id", task.recurring_task_id)
    if task.backoff is not None:
        rendered["backoff"] = {
            "strategy": task.backoff.strategy.value,
            "base": format_go_duration(task.backoff.base),
            "max": format_go_duration(task.backoff.max),
            "jitter": task.backoff.jitter,
        }
    if task.cancellation is not None:
        cancellation: dict[str, Any] = {"requested_at": task.cancellation.requested_at}
        _put(cancellation, "reason", task.cancellation.reason)
        rendered["cancellation"] = cancellation
    if task.cancellation and task.state is TaskState.CLAIMED:
        rendered["cancel_requested"] = True
    if task.checkpoint is not None:
        rendered["checkpoint"] = {
            "at": task.checkpoint.at,
            "attempt": task.checkpoint.attempt,
            "data": task.checkpoint.data,
        }
    if for_claimer:
        _put(rendered, "trace_context", task.trace_context)
        _put(rendered, "lease_token", task.lease_token)
    _put(rendered, "concurrency_key", task.concurrency_key)
    _put(rendered, "rate_limit_key", task.rate_limit_key)
    if task.required_capabilities:
        rendered["required_capabilities"] = list(task.required_capabilities)
    return rendered


def _dump(value: Any) -> bytes | None:
    try:
        return orjson.dumps(value, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError: e.g. an integer wider than 64 bits in a payload
        return None


def _escaped(value: Any) -> bytes:
    """Last resort for text no UTF-8 encoder takes (a lone surrogate stored before such input was
    refused): ``\\uXXXX`` escapes, so a read of a stored task never fails."""
    return json.dumps(value, default=_iso_datetime, separators=(",", ":")).encode()


def _iso_datetime(value: Any) -> str:
    if not isinstance(value, datetime):
        raise TypeError(f"{type(value).__name__} is not JSON serializable")
    return value.isoformat().replace("+00:00", "Z")


def json_or_reference(value: Any, reference: Callable[[], bytes]) -> bytes:
    """``value`` (built with ``task_dict``) as JSON, or ``reference()`` where orjson cannot."""
    fast = _dump(value)
    if fast is not None:
        return fast
    try:
        return reference()
    except ValueError:  # pydantic's serialization error on a lone surrogate
        return _escaped(value)


def task_json(task: Task, *, for_claimer: bool = False) -> bytes:
    return json_or_reference(
        task_dict(task, for_claimer=for_claimer),
        lambda: wire_task(task, for_claimer=for_claimer).model_dump_json(exclude_none=True).encode(),
    )


def task_list_json(tasks: Sequence[Task], *, for_claimer: bool = False) -> bytes:
    return json_or_reference(
        [task_dict(task, for_claimer=for_claimer) for task in tasks],
        lambda: _TASK_LIST.dump_json(
            [wire_task(task, for_claimer=for_claimer) for task in tasks], exclude_none=True
        ),
    )


def _error_dict(error: TasquesError) -> dict[str, Any]:
    return {"message": error.message, "error": error.code}


def batch_result_json(results: Sequence[Task | TaskAlreadyExists]) -> bytes:
    items: list[dict[str, Any]] = [
        {"status": 409, "error": _error_dict(result)}
        if isinstance(result, TaskAlreadyExists)
        else {"status": 201, "task": task_dict(result)}
        for result in results
    ]
    conflicts = sum(1 for result in results if isinstance(result, TaskAlreadyExists))

    def reference() -> bytes:
        body = WireBatchResult(
            created=len(items) - conflicts,
            conflicts=conflicts,
            results=[
                WireBatchItem(status=409, error=ErrorBody(message=result.message, error=result.code))
                if isinstance(result, TaskAlreadyExists)
                else WireBatchItem(status=201, task=wire_task(result))
                for result in results
            ],
        )
        return body.model_dump_json(exclude_none=True).encode()

    return json_or_reference(
        {"created": len(items) - conflicts, "conflicts": conflicts, "results": items}, reference
    )


def finish_result_json(results: Sequence[Task | TasquesError], statuses: Sequence[int]) -> bytes:
    """A batch finish's answer: each item's task, or its error with the status the single call gives."""
    succeeded = sum(1 for result in results if isinstance(result, Task))
    items = [
        {"status": status, "task": task_dict(result)}
        if isinstance(result, Task)
        else {"status": status, "error": _error_dict(result)}
        for status, result in zip(statuses, results, strict=True)
    ]

    def reference() -> bytes:
        wire = [
            WireFinishItem(status=status, task=wire_task(result))
            if isinstance(result, Task)
            else WireFinishItem(status=status, error=ErrorBody(message=result.message, error=result.code))
            for status, result in zip(statuses, results, strict=True)
        ]
        body = WireFinishResult(succeeded=succeeded, failed=len(wire) - succeeded, results=wire)
        return body.model_dump_json(exclude_none=True).encode()

    return json_or_reference(
        {"succeeded": succeeded, "failed": len(items) - succeeded, "results": items}, reference
    )
