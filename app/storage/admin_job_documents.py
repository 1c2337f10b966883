"""Stored shape of admin jobs (query-driven bulk actions), shared by both backends."""

from typing import Any

from app.domain.states import TaskState
from app.domain.task import Version
from app.storage.documents import Document, format_stored_time, parse_optional_time, parse_stored_time
from app.storage.port import AdminJob, TaskQuery


def query_to_document(query: TaskQuery) -> Document:
    created_after, created_before = query.created_after, query.created_before
    return {
        "queues": list(query.queues),
        "states": [state.value for state in query.states],
        "kinds": list(query.kinds),
        "worker_id": query.worker_id,
        "recurring_task_id": query.recurring_task_id,
        "created_after": format_stored_time(created_after) if created_after else None,
        "created_before": format_stored_time(created_before) if created_before else None,
        "include_archive": query.include_archive,
    }


def query_from_document(document: Document) -> TaskQuery:
    return TaskQuery(
        queues=tuple(document.get("queues") or ()),
        states=tuple(TaskState(state) for state in document.get("states") or ()),
        kinds=tuple(document.get("kinds") or ()),
        worker_id=document.get("worker_id"),
        recurring_task_id=document.get("recurring_task_id"),
        created_after=parse_optional_time(document.get("created_after")),
        created_before=parse_optional_time(document.get("created_before")),
        include_archive=bool(document.get("include_archive", False)),
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
