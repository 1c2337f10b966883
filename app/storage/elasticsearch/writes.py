"""Bulk action lines for creates and compare-and-swap writes of task documents.

A CAS write is either a painless ``update`` that touches only the top-level keys that changed, or a
full-document ``index``; both carry ``if_seq_no``/``if_primary_term``. The scripted form keeps
heartbeats small (``args``/``context`` are never resent) and leaves keys this code does not know about
alone. ``doc`` partial updates are not an option: ES deep-merges maps, so a report whose ``data`` lost
a key would keep the old key. Documents carry the derived search fields (``search_text``), compared
like any other key.
"""

from typing import Any

from app.domain.task import Task, Version
from app.storage import document_json
from app.storage.documents import Document, task_to_document
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
    return document_json.dumps(value, sort_keys=True)


def document_changes(before: Document, after: Document) -> tuple[Document, list[str]]:
    """Top-level keys of ``after`` that differ from ``before``, and keys ``after`` no longer has."""
    changes = {
        key: value
        for key, value in after.items()
        if key not in before or _canonical(before[key]) != _canonical(value)
    }
    removed = sorted(key for key in before if key not in after)
    return changes, removed


def _searched_payloads(task: Task) -> tuple[object, object, object]:
    """What the derived search fields are made of (``search_text.search_fields``)."""
    result = task.last_claimed.result if task.last_claimed is not None else None
    if result is None:
        return task.args, None, None
    return task.args, result.success, result.failure


def _scripted_documents(previous: Task, updated: Task) -> tuple[Document, Document]:
    """The two documents a scripted write compares. The derived search fields follow only the args and
    the result's data, so when a transition kept all three (a claim, a report, a finish without data)
    they are left out of both documents instead of derived twice to compare equal. Identity, not
    equality: ``==`` holds ``{"x": 1} == {"x": True}``, whose search texts differ."""
    kept = zip(_searched_payloads(previous), _searched_payloads(updated), strict=True)
    if all(before is after for before, after in kept):
        return task_to_document(previous), task_to_document(updated)
    return indexed_task_document(previous), indexed_task_document(updated)


def conditional_write_operations(
    previous: Task,
    updated: Task,
    *,
    index: str,
    expected: Version,
    scripted: bool,
    unknown_keys: Document | None = None,
) -> list[dict[str, Any]]:
    """The bulk lines of one compare-and-swap write of ``previous`` (at ``expected``) to ``updated``.

    A state change whose stored ``_source`` is known here is a full ``index`` of the new document plus
    that document's top-level keys this code does not write (``unknown_keys``, as read at ``expected``),
    which a scripted update would have left alone. A state change rewrites most keys anyway, and the
    engine runs a scripted update as a read of the stored document, a merge and a full reindex: on
    OpenSearch 2.19 that cost the node about twice the CPU of the plain ``index`` per claim and finish.
    Other writes (reports, checkpoints) stay scripted, so a heartbeat never re-sends the args.
    """
    target = {
        "_index": index,
        "_id": previous.id,
        "if_seq_no": expected.seq_num,
        "if_primary_term": expected.primary_term,
    }
    if unknown_keys is not None and (previous.state != updated.state or not scripted):
        return [{"index": target}, {**unknown_keys, **indexed_task_document(updated)}]
    if not scripted:
        return [{"index": target}, indexed_task_document(updated)]
    changes, removed = document_changes(*_scripted_documents(previous, updated))
    script = {
        "lang": "painless",
        "source": APPLY_CHANGES_SCRIPT,
        "params": {"changes": changes, "removed": removed},
    }
    return [{"update": target}, {"script": script}]
