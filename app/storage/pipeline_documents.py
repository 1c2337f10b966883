"""Stored shape of pipelines, shared by both backends.

A step is a resolved ``TaskDefinition`` (defaults already applied at submission, so every server
creates the same task for it), stored like a recurring definition's ``task_definition``:
``processing_timeout`` in nanoseconds, ``args``/``context``/``backoff`` only when set.
"""

import dataclasses

from app.domain.durations import duration_to_nanos, nanos_to_duration
from app.domain.errors import PipelineAlreadyExists, PipelineNotFound
from app.domain.pipelines import Pipeline
from app.domain.recurring import TaskDefinition
from app.domain.task import Version
from app.storage.documents import (
    Document,
    backoff_from_document,
    backoff_to_document,
    format_stored_time,
    parse_stored_time,
)
from app.storage.versioned_records import RecordKind


def definition_to_document(definition: TaskDefinition) -> Document:
    document: Document = {
        "queue": definition.queue,
        "kind": definition.kind,
        "retry_times": definition.retry_times,
        "priority": definition.priority,
        "processing_timeout": duration_to_nanos(definition.processing_timeout),
    }
    for key, value in (("args", definition.args), ("context", definition.context)):
        if value is not None:
            document[key] = value
    if definition.backoff is not None:
        document["backoff"] = backoff_to_document(definition.backoff)
    return document


def definition_from_document(document: Document) -> TaskDefinition:
    return TaskDefinition(
        queue=document["queue"],
        kind=document["kind"],
        retry_times=int(document["retry_times"]),
        priority=int(document.get("priority", 0)),
        processing_timeout=nanos_to_duration(int(document["processing_timeout"])),
        args=document.get("args"),
        context=document.get("context"),
        backoff=backoff_from_document(document.get("backoff")),
    )


def pipeline_to_document(pipeline: Pipeline) -> Document:
    return {
        "id": pipeline.id,
        "kind": pipeline.kind,
        "steps": [definition_to_document(step) for step in pipeline.steps],
        "callback": definition_to_document(pipeline.callback) if pipeline.callback else None,
        "on_member_dead": pipeline.on_member_dead,
        "state": pipeline.state,
        "enqueued": pipeline.enqueued,
        "created_at": format_stored_time(pipeline.created_at),
        "updated_at": format_stored_time(pipeline.updated_at),
        "error": pipeline.error,
    }


def pipeline_from_document(document: Document, version: Version) -> Pipeline:
    callback = document.get("callback")
    return Pipeline(
        id=document["id"],
        kind=document["kind"],
        steps=tuple(definition_from_document(step) for step in document["steps"]),
        callback=definition_from_document(callback) if callback else None,
        on_member_dead=document.get("on_member_dead", "fail"),
        state=document["state"],
        enqueued=int(document.get("enqueued", 0)),
        created_at=parse_stored_time(document["created_at"]),
        updated_at=parse_stored_time(document["updated_at"]),
        error=document.get("error"),
        version=version,
    )


PIPELINE_RECORDS = RecordKind[Pipeline](
    label="pipeline",
    to_document=pipeline_to_document,
    from_document=lambda document, version, _record_id: pipeline_from_document(document, version),
    id_of=lambda record: record.id,
    version_of=lambda record: record.version,
    with_version=lambda record, version: dataclasses.replace(record, version=version),
    already_exists=PipelineAlreadyExists,
    not_found=PipelineNotFound,
    missing_on_write=PipelineNotFound,
)
