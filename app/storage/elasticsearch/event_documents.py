"""The stored shape of an attempt-history event in the events indices (SQLite keeps events as rows).

Keys follow ``TaskEvent``; ``kind`` is its lower-case value, ``at`` a stored time (``documents``), and
unset optional keys are omitted rather than null, as in task documents. The history order on every
backend is ``at``, then ``sequence`` (the task's version after the change), then ``event_id``.
``event_id`` is written too: it is the event's identity (appending it again stores nothing new) and the
last tie-break; it is derived, so reading ignores it.
"""

from app.domain.history import TaskEvent, TaskEventKind
from app.storage.documents import Document, format_stored_time, parse_stored_time


def event_to_document(event: TaskEvent) -> Document:
    document: Document = {
        "event_id": event.event_id,
        "queue": event.queue,
        "task_id": event.task_id,
        "attempt": event.attempt,
        "kind": event.kind.value,
        "at": format_stored_time(event.at),
        "sequence": event.sequence,
    }
    for key, value in (
        ("worker_id", event.worker_id),
        ("lease_token", event.lease_token),
        ("error", event.error),
        ("data", event.data),
    ):
        if value is not None:
            document[key] = value
    return document


def event_from_document(document: Document) -> TaskEvent:
    return TaskEvent(
        queue=document["queue"],
        task_id=document["task_id"],
        attempt=int(document["attempt"]),
        kind=TaskEventKind(document["kind"]),
        at=parse_stored_time(document["at"]),
        worker_id=document.get("worker_id"),
        lease_token=document.get("lease_token"),
        error=document.get("error"),
        data=document.get("data"),
        sequence=int(document.get("sequence", 0)),
    )
