"""Task documents this store has read or written, by version: parsed once, and kept for the next write.

Reads. Concurrent claims on one server search the same queue at the same moment, and each
over-fetches ``amount * claim_search_multiplier`` hits: the same few hundred documents come back in
every answer until the next refresh, and building a ``Task`` from each (validation, dates, nested
models) was the largest single cost of a claim on the server. A document version is named by its
index, id, ``_seq_no`` and ``_primary_term``. Beside the task only a fingerprint of its ``_source`` is
kept (its ``metadata.modified_at`` and the keys this code does not write), compared on a hit: an index
deleted and created again under the same name starts its sequence numbers over, and its document would
have to match to the microsecond to be taken for the old one. A whole ``_source`` beside each task
measured 8.6 kB an entry, twice the task alone.

Writes. The keys this code does not write serve the next write: a state change is written as the whole
new document plus those keys of the stored one (``writes``). A full-document write this store made is
kept the same way, its document being exactly what the engine now stores.

The task a worker holds. A task this store claimed (or wrote while claimed) is kept as written, by
queue index and id, so the worker's next report or finish can start from it instead of reading the
document back (``task_changes``): the compare-and-swap on its version still decides, and a lost one
forgets it. Both maps are bounded by entries, oldest out first.
"""

from collections import OrderedDict
from typing import Any

from app.domain.states import TaskState
from app.domain.task import Task, Version
from app.storage.documents import TASK_DOCUMENT_KEYS, Document, task_from_document
from app.storage.elasticsearch.search_text import DERIVED_SEARCH_FIELDS

CAPACITY = 1024
"""About what eight workers hold: claims of 100 and their finishes. The over-fetched hits of concurrent
claims overlap; a version no longer kept costs a parse, or a scripted write instead of a full one."""

_Version = tuple[str, str, int, int]
_Task = tuple[str, str]
_Fingerprint = tuple[object, Document]
_Entry = tuple[_Fingerprint | None, Task]

WRITTEN_KEYS = TASK_DOCUMENT_KEYS | frozenset(DERIVED_SEARCH_FIELDS)
"""Top-level keys this code writes in a task document; the others are someone else's to keep."""


def unknown_keys(source: Document) -> Document:
    return {key: value for key, value in source.items() if key not in WRITTEN_KEYS}


def _fingerprint(source: Document) -> _Fingerprint:
    metadata = source.get("metadata")
    return (metadata.get("modified_at") if isinstance(metadata, dict) else None), unknown_keys(source)


class KnownDocuments:
    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        # (fingerprint, or None for a scripted write whose resulting document is not known; task)
        self._versions: OrderedDict[_Version, _Entry] = OrderedDict()
        self._claimed: OrderedDict[_Task, Task] = OrderedDict()

    def task(self, hit: dict[str, Any]) -> Task:
        """The task a search hit or realtime read (``_index``, ``_id``, ``_seq_no``, ``_primary_term``,
        ``_source``) holds; raises what ``task_from_document`` raises on a document it cannot read."""
        source: Document = hit["_source"]
        version = Version(seq_num=hit["_seq_no"], primary_term=hit["_primary_term"])
        key = (hit["_index"], hit["_id"], version.seq_num, version.primary_term)
        entry = self._versions.get(key)
        fingerprint = _fingerprint(source)
        if entry is not None and entry[0] == fingerprint:
            return entry[1]
        task = task_from_document(source, version)
        self._keep(key, (fingerprint, task))
        return task

    def unknown_keys(self, index: str, task: Task) -> Document | None:
        """The keys this code does not write in the ``_source`` stored for ``task`` (this very object,
        at its version), or None when that document is not known here."""
        version = task.metadata.version
        if version is None:
            return None
        entry = self._versions.get((index, task.id, version.seq_num, version.primary_term))
        if entry is None or entry[1] is not task or entry[0] is None:
            return None
        return entry[0][1]

    def written(self, index: str, task: Task, *, document: Document | None) -> None:
        """This store wrote ``task`` (with its new version); ``document`` when it wrote the whole one."""
        version = task.metadata.version
        if version is None:
            return
        fingerprint = _fingerprint(document) if document is not None else None
        self._keep((index, task.id, version.seq_num, version.primary_term), (fingerprint, task))
        key = (index, task.id)
        self._claimed.pop(key, None)
        if task.state is TaskState.CLAIMED:
            self._claimed[key] = task
            if len(self._claimed) > self._capacity:
                self._claimed.popitem(last=False)

    def claimed(self, index: str, task_id: str) -> Task | None:
        """The task as this store last wrote it, if that left it claimed."""
        return self._claimed.get((index, task_id))

    def forget_claimed(self, index: str, task_id: str) -> None:
        """A write from the kept task lost its compare-and-swap: the document moved on without us."""
        self._claimed.pop((index, task_id), None)

    def _keep(self, key: _Version, entry: _Entry) -> None:
        self._versions[key] = entry
        if len(self._versions) > self._capacity:
            self._versions.popitem(last=False)
