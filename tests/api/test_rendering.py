"""Search pages and pushed tasks render tasks exactly as the reference ``WireTask`` rendering does."""

import json
from datetime import UTC, datetime, timedelta

from app.api.aggregation_models import WireAggregations
from app.api.rendering import claimed_task_document, render_task_page
from app.api.wire_models import wire_task
from app.domain.states import TaskState
from app.domain.task import Metadata, Task, Version

_AT = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)


def _task(task_id: str, *, args: dict[str, object] | None = None) -> Task:
    return Task(
        id=task_id,
        queue="q",
        retry_times=2,
        attempted=0,
        kind="report",
        state=TaskState.QUEUED,
        priority=1,
        processing_timeout=timedelta(minutes=2),
        run_at=_AT,
        args=args,
        last_enqueued_at=_AT,
        metadata=Metadata(created_at=_AT, modified_at=_AT, version=Version(seq_num=3, primary_term=1)),
        trace_context={"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
    )


def _reference(task: Task) -> object:
    return json.loads(wire_task(task).model_dump_json(exclude_none=True))


def test_a_last_search_page_keeps_a_null_cursor_and_renders_each_task_as_the_reference() -> None:
    tasks = [_task("a", args={"nested": {"kept": None}}), _task("b")]

    body = json.loads(bytes(render_task_page(tasks, next_cursor=None).body))

    assert body == {"tasks": [_reference(task) for task in tasks], "next_cursor": None}


def test_a_search_page_carries_its_cursor_and_aggregations_when_asked() -> None:
    aggregations = WireAggregations.model_validate(
        {"kind": {"buckets": [{"key": "report", "count": 1}], "other": 0}}
    )

    body = json.loads(
        bytes(render_task_page([_task("a")], next_cursor="c-1", aggregations=aggregations).body)
    )

    assert body["next_cursor"] == "c-1"
    assert body["aggregations"] == {"kind": {"buckets": [{"key": "report", "count": 1}], "other": 0}}


def test_a_pushed_task_is_the_claim_rendering_with_its_trace_context() -> None:
    task = _task("a", args={"n": 2**40})

    assert claimed_task_document(task) == wire_task(task, for_claimer=True).model_dump(
        mode="json", exclude_none=True
    )
