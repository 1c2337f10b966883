"""The fast task rendering gives exactly the bytes of the reference ``WireTask`` rendering."""

from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from app.api.task_json import batch_result_json, finish_result_json, task_json, task_list_json
from app.api.wire_models import (
    ErrorBody,
    WireBatchItem,
    WireBatchResult,
    WireFinishItem,
    WireFinishResult,
    wire_task,
)
from app.domain.backoff import BackoffPolicy, BackoffStrategy
from app.domain.errors import TaskAlreadyExists, TasquesError
from app.domain.states import TaskState
from app.domain.task import Claimant, Metadata, Task, Version

_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
_OBJECTS = st.dictionaries(st.text(max_size=8), _JSON, max_size=5)
_MOMENTS = st.datetimes(min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.just(UTC))


def _task(*, at: datetime, args: dict[str, Any] | None, context: dict[str, Any] | None) -> Task:
    return Task(
        id="t-1",
        queue="q",
        retry_times=2,
        attempted=0,
        kind="report",
        state=TaskState.QUEUED,
        priority=-3,
        processing_timeout=timedelta(minutes=2, microseconds=5),
        run_at=at,
        args=args,
        context=context,
        last_enqueued_at=at,
        metadata=Metadata(created_at=at, modified_at=at, version=Version(seq_num=4, primary_term=1)),
        recurring_task_id="every-minute",
        concurrency_key="tenant-7",
        required_capabilities=("gpu", "arm"),
        trace_context={"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"},
    )


def _shapes(task: Task, at: datetime, data: dict[str, Any] | None) -> list[Task]:
    """The task at every stage whose rendering differs: claimed, reported, done, failed, cancelled."""
    later = min(at + timedelta(seconds=1, microseconds=250), datetime(9999, 12, 31, tzinfo=UTC))
    claimant = Claimant(worker_id="w-1", lease_token="lease-1")
    claimed = task.claim(worker_id="w-1", at=at, lease_token="lease-1")
    reported = claimed.report_in(claimant, at=later, data=data, checkpoint=data or {"step": 1})
    failed = claimed.mark_failed(
        claimant,
        at=later,
        data=data,
        backoff=BackoffPolicy(strategy=BackoffStrategy.LINEAR, base=timedelta(seconds=3), jitter=0.25),
        jitter=0.5,
    )
    return [
        task,
        claimed,
        reported,
        reported.cancel(at=later, reason="stop"),
        claimed.mark_done(claimant, at=later, data=data),
        failed,
        task.model_copy(update={"metadata": task.metadata.model_copy(update={"version": None})}),
        task.cancel(at=later, reason=None),
    ]


def _reference(task: Task, *, for_claimer: bool = False) -> bytes:
    return wire_task(task, for_claimer=for_claimer).model_dump_json(exclude_none=True).encode()


@settings(max_examples=150, deadline=None)
@given(
    at=_MOMENTS,
    args=st.none() | _OBJECTS,
    context=st.none() | _OBJECTS,
    data=st.none() | _OBJECTS,
)
def test_every_stage_of_a_task_renders_to_the_reference_bytes(
    at: datetime, args: dict[str, Any] | None, context: dict[str, Any] | None, data: dict[str, Any] | None
) -> None:
    for shape in _shapes(_task(at=at, args=args, context=context), at, data):
        assert task_json(shape) == _reference(shape)
        assert task_json(shape, for_claimer=True) == _reference(shape, for_claimer=True)


def test_lists_and_batch_results_render_to_the_reference_bytes() -> None:
    at = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    tasks = _shapes(_task(at=at, args={"n": 1}, context=None), at, {"ok": True})
    assert (
        task_list_json(tasks, for_claimer=True)
        == b"[" + b",".join(_reference(task, for_claimer=True) for task in tasks) + b"]"
    )
    results: list[Task | TaskAlreadyExists] = [tasks[0], TaskAlreadyExists("q", "t-2"), tasks[1]]
    reference = WireBatchResult(
        created=2,
        conflicts=1,
        results=[
            WireBatchItem(status=201, task=wire_task(tasks[0])),
            WireBatchItem(status=409, error=ErrorBody(message=results[1].message, error=results[1].code)),  # type: ignore[union-attr]
            WireBatchItem(status=201, task=wire_task(tasks[1])),
        ],
    )
    assert batch_result_json(results) == reference.model_dump_json(exclude_none=True).encode()


def test_integers_wider_than_64_bits_take_the_reference_path() -> None:
    at = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    task = _task(at=at, args={"big": 2**70, "nested": [{"bigger": -(2**90)}]}, context=None)
    assert task_json(task) == _reference(task)
    assert b"1180591620717411303424" in task_json(task)
    assert task_list_json([task]) == b"[" + _reference(task) + b"]"
    assert b"1180591620717411303424" in batch_result_json([task])


def test_batch_finish_results_render_to_the_reference_bytes() -> None:
    at = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    done = _shapes(_task(at=at, args={"n": 1}, context=None), at, {"ok": True})[4]
    refused = TaskAlreadyExists("q", "t-2")
    results: list[Task | TasquesError] = [done, refused, done]
    reference = WireFinishResult(
        succeeded=2,
        failed=1,
        results=[
            WireFinishItem(status=200, task=wire_task(done)),
            WireFinishItem(status=409, error=ErrorBody(message=refused.message, error=refused.code)),
            WireFinishItem(status=200, task=wire_task(done)),
        ],
    )
    assert (
        finish_result_json(results, [200, 409, 200]) == reference.model_dump_json(exclude_none=True).encode()
    )
