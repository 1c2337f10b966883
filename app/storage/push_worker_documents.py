"""Stored shape of push worker registrations, shared by both backends.

The ``secret`` is stored as given, because every delivery is signed with it; only the API layer keeps
it from leaving the server.
"""

import dataclasses
from datetime import datetime

from app.domain.errors import PushWorkerAlreadyExists, PushWorkerNotFound
from app.domain.push_workers import PushWorker
from app.domain.task import Version
from app.storage.documents import Document, format_stored_time, parse_optional_time, parse_stored_time
from app.storage.versioned_records import RecordKind


def _optional_time(moment: datetime | None) -> str | None:
    return format_stored_time(moment) if moment is not None else None


def push_worker_to_document(worker: PushWorker) -> Document:
    return {
        "id": worker.id,
        "url": worker.url,
        "queues": list(worker.queues),
        "capabilities": list(worker.capabilities),
        "max_in_flight": worker.max_in_flight,
        "secret": worker.secret,
        "created_at": format_stored_time(worker.created_at),
        "consecutive_failures": worker.consecutive_failures,
        "retry_at": _optional_time(worker.retry_at),
        "last_error": worker.last_error,
        "last_failure_at": _optional_time(worker.last_failure_at),
    }


def push_worker_from_document(document: Document, version: Version) -> PushWorker:
    return PushWorker(
        id=document["id"],
        url=document["url"],
        queues=tuple(document.get("queues") or ()),
        capabilities=tuple(document.get("capabilities") or ()),
        max_in_flight=int(document["max_in_flight"]),
        secret=document["secret"],
        created_at=parse_stored_time(document["created_at"]),
        consecutive_failures=int(document.get("consecutive_failures", 0)),
        retry_at=parse_optional_time(document.get("retry_at")),
        last_error=document.get("last_error"),
        last_failure_at=parse_optional_time(document.get("last_failure_at")),
        version=version,
    )


PUSH_WORKER_RECORDS = RecordKind[PushWorker](
    label="push worker",
    to_document=push_worker_to_document,
    from_document=lambda document, version, _record_id: push_worker_from_document(document, version),
    id_of=lambda record: record.id,
    version_of=lambda record: record.version,
    with_version=lambda record, version: dataclasses.replace(record, version=version),
    already_exists=PushWorkerAlreadyExists,
    not_found=PushWorkerNotFound,
    missing_on_write=PushWorkerNotFound,
)
