"""Stored shapes of recurring definitions and leader locks, shared by both backends.

Recurring documents keep Tasques' keys (``schedule_expression``, ``skip_if_outstanding_tasks_exist``,
``task_definition`` with ``processing_timeout`` in nanoseconds, ``metadata``) and add the schedule
policy and scheduler state. Lock documents keep Tasques' ``leader_id``/``at``/``leader_lock_lease``.
"""

from datetime import datetime, timedelta

from app.domain.durations import duration_to_nanos, nanos_to_duration
from app.domain.errors import RecurringTaskAlreadyExists, RecurringTaskNotFound
from app.domain.leader_locks import LockRecord
from app.domain.recurring import OverlapPolicy, RecurringTask, TaskDefinition
from app.domain.task import Metadata, Version
from app.storage.documents import (
    Document,
    backoff_from_document,
    backoff_to_document,
    format_stored_time,
    parse_optional_time,
    parse_stored_time,
)
from app.storage.versioned_records import RecordKind


def recurring_to_document(recurring: RecurringTask) -> Document:
    definition = recurring.task_definition
    task_definition: Document = {
        "queue": definition.queue,
        "retry_times": definition.retry_times,
        "kind": definition.kind,
        "processing_timeout": duration_to_nanos(definition.processing_timeout),
        "priority": definition.priority,
    }
    for key, value in (("args", definition.args), ("context", definition.context)):
        if value is not None:
            task_definition[key] = value
    if definition.backoff is not None:
        task_definition["backoff"] = backoff_to_document(definition.backoff)
    document: Document = {
        "id": recurring.id,
        "schedule_expression": recurring.schedule_expression,
        "timezone": recurring.timezone,
        "skip_if_outstanding_tasks_exist": recurring.skip_if_outstanding_tasks_exist,
        "overlap_policy": recurring.overlap_policy.value,
        "catchup_window": duration_to_nanos(recurring.catchup_window),
        "jitter": duration_to_nanos(recurring.jitter),
        "paused": recurring.paused,
        "task_definition": task_definition,
        "metadata": {
            "created_at": format_stored_time(recurring.metadata.created_at),
            "modified_at": format_stored_time(recurring.metadata.modified_at),
        },
    }
    if recurring.last_fire_at is not None:
        document["last_fire_at"] = format_stored_time(recurring.last_fire_at)
    for key, instant in (
        ("buffered_fire_at", recurring.buffered_fire_at),
        ("paused_at", recurring.paused_at),
        ("resumed_at", recurring.resumed_at),
    ):
        if instant is not None:
            document[key] = format_stored_time(instant)
    return document


def recurring_from_document(document: Document, version: Version, *, recurring_id: str) -> RecurringTask:
    definition = document["task_definition"]
    policy = document.get("overlap_policy") or (
        OverlapPolicy.SKIP if document.get("skip_if_outstanding_tasks_exist") else OverlapPolicy.ALLOW_ALL
    )
    return RecurringTask(
        id=document.get("id", recurring_id),
        schedule_expression=document["schedule_expression"],
        timezone=document.get("timezone", "UTC"),
        task_definition=TaskDefinition(
            queue=definition["queue"],
            kind=definition["kind"],
            retry_times=int(definition["retry_times"]),
            priority=int(definition.get("priority", 0)),
            processing_timeout=nanos_to_duration(int(definition["processing_timeout"])),
            args=definition.get("args"),
            context=definition.get("context"),
            backoff=backoff_from_document(definition.get("backoff")),
        ),
        overlap_policy=OverlapPolicy(policy),
        catchup_window=nanos_to_duration(int(document.get("catchup_window", 0))),
        jitter=nanos_to_duration(int(document.get("jitter", 0))),
        paused=bool(document.get("paused", False)),
        last_fire_at=parse_optional_time(document.get("last_fire_at")),
        buffered_fire_at=parse_optional_time(document.get("buffered_fire_at")),
        paused_at=parse_optional_time(document.get("paused_at")),
        resumed_at=parse_optional_time(document.get("resumed_at")),
        metadata=Metadata(
            created_at=parse_stored_time(document["metadata"]["created_at"]),
            modified_at=parse_stored_time(document["metadata"]["modified_at"]),
            version=version,
        ),
    )


def lock_to_document(*, holder: str, at: datetime, lease: timedelta) -> Document:
    return {"leader_id": holder, "at": format_stored_time(at), "leader_lock_lease": duration_to_nanos(lease)}


def lock_from_document(name: str, document: Document, version: Version) -> LockRecord:
    return LockRecord(
        name=name,
        holder=document["leader_id"],
        renewed_at=parse_stored_time(document["at"]),
        lease=nanos_to_duration(int(document["leader_lock_lease"])),
        version=version,
    )


def _recurring_with_version(recurring: RecurringTask, version: Version) -> RecurringTask:
    return recurring.model_copy(
        update={"metadata": recurring.metadata.model_copy(update={"version": version})}
    )


RECURRING_RECORDS = RecordKind[RecurringTask](
    label="recurring task",
    to_document=recurring_to_document,
    from_document=lambda document, version, record_id: recurring_from_document(
        document, version, recurring_id=record_id
    ),
    id_of=lambda recurring: recurring.id,
    version_of=lambda recurring: recurring.metadata.version,
    with_version=_recurring_with_version,
    already_exists=RecurringTaskAlreadyExists,
    not_found=RecurringTaskNotFound,
    missing_on_write=RecurringTaskNotFound,
)
