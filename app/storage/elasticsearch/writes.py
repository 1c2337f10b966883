"""Bulk action lines for creates and compare-and-swap writes of task documents.

A CAS write is either a painless ``update`` that touches only the top-level keys that changed, or a
full-document ``index``; both carry ``if_seq_no``/``if_primary_term``. The scripted form keeps
heartbeats small (``args``/``context`` are never resent) and leaves keys this code does not know about
alone. ``doc`` partial updates are not an option: ES deep-merges maps, so a report whose ``data`` lost
a key would keep the old key. Documents carry the derived search fields (``search_text``), compared
like any other key.
"""

import json
from typing import Any

import orjson

from app.domain.task import Task, Version
from app.storage.documents import Document
from app.storage.elasticsearch.search_text import indexed_task_document

# One constant source: ES compiles it once and caches it, whatever the params.
APPLY_CHANGES_SCRIPT = (
    "for (def entry : params['changes'].entrySet()) { ctx._source[entry.getKey()] = entry.getValue(); } "
    "for (def key : params['removed']) { ctx._source.remove(key); }"
)


def with_version(task: Task, version: Version) -> Task:
    return task.model_copy(update={"metadata": task.metadata.model_copy(update={"version": version})})


def response_version(body: Any) -> Version:
    """The version a single-document write or realtime GET reports (``_seq_no``/``_primary_term``)."""
    return Version(seq_num=int(body["_seq_no"]), primary_term=int(body["_primary_term"]))


def create_operations(task: Task, *, index: str) -> list[dict[str, Any]]:
    return [{"create": {"_index": index, "_id": task.id}}, indexed_task_document(task)]


def _canonical(value: Any) -> bytes:
    # Python's == holds True == 1 == 1.0; JSON text tells them apart.
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # an integer wider than 64 bits or a lone surrogate
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def document_changes(before: Document, after: Document) -> tuple[Document, list[str]]:
    """Top-level keys of ``after`` that differ from ``before``, and keys ``after`` no longer has."""
    changes = {
        key: value
        for key, value in after.items()
        if key not in before or _canonical(before[key]) != _canonical(value)
    }
    removed = sorted(key for key in before if key not in after)
    return changes, removed


def conditional_write_operations(
    previous: Task, updated: Task, *, index: str, expected: Version, scripted: bool
) -> list[dict[str, Any]]:
    target = {
        "_index": index,
        "_id": previous.id,
        "if_seq_no": expected.seq_num,
        "if_primary_term": expected.primary_term,
    }
    if not scripted:
        return [{"index": target}, indexed_task_document(updated)]
    changes, removed = document_changes(indexed_task_document(previous), indexed_task_document(updated))
    script = {
        "lang": "painless",
        "source": APPLY_CHANGES_SCRIPT,
        "params": {"changes": changes, "removed": removed},
    }
    return [{"update": target}, {"script": script}]
