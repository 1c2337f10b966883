"""Admin job documents: every search filter round-trips, and documents stored in the older, smaller
shape (before bulk queries took the full search query) still load, missing filters meaning none."""

from datetime import UTC, datetime, timedelta

from app.domain.queries import TaskQuery, TimeField, TimeRange
from app.domain.states import TaskState
from app.domain.task import Version
from app.storage.admin_job_documents import (
    admin_job_from_document,
    admin_job_to_document,
    query_from_document,
    query_to_document,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def test_every_filter_round_trips() -> None:
    query = TaskQuery(
        queues=("a", "b"),
        states=(TaskState.DEAD, TaskState.FAILED),
        kinds=("k",),
        worker_id="w",
        recurring_task_id="nightly",
        time_ranges=(
            TimeRange(TimeField.CREATED, T0, T0 + timedelta(days=1)),
            TimeRange(TimeField.RUN_AT, T0 + timedelta(seconds=1), T0 + timedelta(days=2)),
            TimeRange(TimeField.CLAIMED, T0 + timedelta(microseconds=5), T0 + timedelta(days=3)),
            TimeRange(TimeField.FINISHED, T0 + timedelta(minutes=1), T0 + timedelta(days=4)),
        ),
        error_text="disk full",
        text="nightly report",
    )

    assert query_from_document(query_to_document(query)) == query


def test_a_document_in_the_older_shape_loads_with_no_new_filters() -> None:
    older = {
        "id": "job-1",
        "action": "retry",
        "query": {
            "queues": ["q"],
            "states": ["dead"],
            "kinds": [],
            "worker_id": None,
            "recurring_task_id": None,
            "created_after": "2026-01-01T00:00:00.000000Z",
            "created_before": None,
            "include_archive": False,
        },
        "parameters": {},
        "status": "running",
        "created_at": "2026-01-01T00:00:00.000000Z",
        "updated_at": "2026-01-01T00:00:01.000000Z",
        "total": 3,
        "processed": 1,
        "succeeded": 1,
        "skipped": 0,
        "cursor": "c1",
        "error": None,
    }

    job = admin_job_from_document(older, Version(seq_num=4, primary_term=1))

    assert job.query == TaskQuery(
        queues=("q",), states=(TaskState.DEAD,), time_ranges=(TimeRange(TimeField.CREATED, after=T0),)
    )
    assert (job.cursor, job.processed) == ("c1", 1)
    assert admin_job_from_document(admin_job_to_document(job), Version(seq_num=4, primary_term=1)) == job


def test_a_document_stored_with_the_eight_flat_time_bounds_loads_as_time_ranges() -> None:
    stored: dict[str, object] = {
        "queues": [],
        "states": [],
        "kinds": [],
        "worker_id": None,
        "recurring_task_id": None,
        "include_archive": False,
        "error_text": None,
        "text": None,
        "created_after": "2026-01-01T00:00:00.000000Z",
        "created_before": None,
        "run_at_after": None,
        "run_at_before": "2026-01-02T00:00:00.000000Z",
        "claimed_after": None,
        "claimed_before": None,
        "finished_after": "2026-01-01T00:01:00.000000Z",
        "finished_before": "2026-01-03T00:00:00.000000Z",
    }

    query = query_from_document(stored)

    assert query.time_ranges == (
        TimeRange(TimeField.CREATED, after=T0),
        TimeRange(TimeField.RUN_AT, before=T0 + timedelta(days=1)),
        TimeRange(TimeField.FINISHED, T0 + timedelta(minutes=1), T0 + timedelta(days=2)),
    )
    assert query_to_document(query) == stored
