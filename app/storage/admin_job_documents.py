"""Stored shape of admin jobs (query-driven bulk actions), shared by both backends."""

import dataclasses
from typing import Any

from app.domain.admin_jobs import AdminJob
from app.domain.errors import AdminJobNotFound, VersionConflict
from app.domain.queries import TIME_BOUND_NAMES, TaskQuery, bounds_of_time_ranges, time_ranges_from_bounds
from app.domain.states import TaskState
from app.domain.task import Version
from app.storage.documents import Document, format_stored_time, parse_optional_time, parse_stored_time
from app.storage.versioned_records import RecordKind


def query_to_document(query: TaskQuery) -> Document:
    """Every filter, so a job resumed by another server acts on exactly the same tasks. Not the sort:
    jobs always page newest created first (``app.maintenance.admin_jobs``). The time bounds are stored
    flat, each under its wire name (``TIME_BOUND_NAMES``), the shape every server version reads."""
    times = bounds_of_time_ranges(query.time_ranges)
    return {
        "queues": list(query.queues),
        "states": [state.value for state in query.states],
        "kinds": list(query.kinds),
        "worker_id": query.worker_id,
        "recurring_task_id": query.recurring_task_id,
        "include_archive": query.include_archive,
        "error_text": query.error_text,
        "text": query.text,
    } | {name: format_stored_time(moment) if moment else None for name, moment in times.items()}


def query_from_document(document: Document) -> TaskQuery:
    """Missing fields mean no such filter, as in documents stored before a filter existed."""
    bounds = {name: parse_optional_time(document.get(name)) for name in TIME_BOUND_NAMES}

    return TaskQuery(
        queues=tuple(document.get("queues") or ()),
        states=tuple(TaskState(state) for state in document.get("states") or ()),
        kinds=tuple(document.get("kinds") or ()),
        worker_id=document.get("worker_id"),
        recurring_task_id=document.get("recurring_task_id"),
        include_archive=bool(document.get("include_archive", False)),
        error_text=document.get("error_text"),
        text=document.get("text"),
        time_ranges=time_ranges_from_bounds(bounds),
    )


def admin_job_to_document(job: AdminJob) -> Document:
    return {
        "id": job.id,
        "action": job.action,
        "query": query_to_document(job.query),
        "parameters": job.parameters,
        "status": job.status,
        "created_at": format_stored_time(job.created_at),
        "updated_at": format_stored_time(job.updated_at),
        "total": job.total,
        "processed": job.processed,
        "succeeded": job.succeeded,
        "skipped": job.skipped,
        "cursor": job.cursor,
        "error": job.error,
    }


def admin_job_from_document(document: Document, version: Version) -> AdminJob:
    parameters: dict[str, Any] = document.get("parameters") or {}
    return AdminJob(
        id=document["id"],
        action=document["action"],
        query=query_from_document(document["query"]),
        parameters=parameters,
        status=document["status"],
        created_at=parse_stored_time(document["created_at"]),
        updated_at=parse_stored_time(document["updated_at"]),
        total=int(document["total"]),
        processed=int(document.get("processed", 0)),
        succeeded=int(document.get("succeeded", 0)),
        skipped=int(document.get("skipped", 0)),
        cursor=document.get("cursor"),
        error=document.get("error"),
        version=version,
    )


# Jobs get server-made ids, so a taken id is a lost race, and a job that vanished under a write is one
# too: both are version conflicts.
ADMIN_JOB_RECORDS = RecordKind[AdminJob](
    label="admin job",
    to_document=admin_job_to_document,
    from_document=lambda document, version, _record_id: admin_job_from_document(document, version),
    id_of=lambda record: record.id,
    version_of=lambda record: record.version,
    with_version=lambda record, version: dataclasses.replace(record, version=version),
    already_exists=VersionConflict,
    not_found=AdminJobNotFound,
    missing_on_write=VersionConflict,
)
