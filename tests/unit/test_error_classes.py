"""The error class rule (``app.domain.error_classes``)."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.backoff import BackoffPolicy
from app.domain.error_classes import MAX_ERROR_CLASS_LENGTH, error_class, task_error_class
from app.domain.states import TaskState
from app.domain.task import TIMED_OUT_FAILURE, Claimant, Metadata, Task

AT = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    ("failure", "expected"),
    [
        ({"error_class": "Quota", "error_type": "ValueError"}, "Quota"),
        ({"error_type": "ValueError", "error": "bad value"}, "ValueError"),
        ({"type": " Timeout ", "error": "slow"}, "Timeout"),
        ({"error_class": "", "error_type": 3, "type": "KeyError"}, "KeyError"),
        (TIMED_OUT_FAILURE, "timed_out"),
        ({"give_up": True, "error": "not worth it"}, "given_up"),
        ({"error": "a message is not a class"}, "unclassified"),
        ({}, "unclassified"),
        (None, "unclassified"),
    ],
)
def test_the_first_matching_rule_names_the_class(failure: dict[str, object] | None, expected: str) -> None:
    assert error_class(failure) == expected


def test_long_classes_are_cut() -> None:
    assert error_class({"error_class": "E" * 1000}) == "E" * MAX_ERROR_CLASS_LENGTH


def test_only_failed_and_dead_tasks_have_a_class() -> None:
    owner = Claimant(worker_id="w")
    queued = Task(
        id="t",
        queue="q",
        retry_times=1,
        attempted=0,
        kind="k",
        state=TaskState.QUEUED,
        priority=0,
        processing_timeout=timedelta(minutes=1),
        run_at=AT,
        last_enqueued_at=AT,
        metadata=Metadata(created_at=AT, modified_at=AT),
    )
    backoff = BackoffPolicy(jitter=0)
    claimed = queued.claim(worker_id="w", at=AT, lease_token="l")
    failed = claimed.mark_failed(owner, at=AT, data={"error_type": "OSError"}, backoff=backoff, jitter=0)
    dead = failed.claim(worker_id="w", at=AT, lease_token="m").mark_failed(
        owner, at=AT, data=None, backoff=backoff, jitter=0
    )

    assert [task_error_class(task) for task in (queued, claimed, failed, dead)] == [
        None,
        None,
        "OSError",
        "unclassified",
    ]
    assert task_error_class(claimed.mark_done(owner, at=AT, data=None)) is None
