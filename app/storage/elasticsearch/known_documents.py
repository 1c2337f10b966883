"""Task documents this store has read or written, by version: parsed once, and kept for the next write.

Reads. Concurrent claims on one server search the same queue at the same moment, and each
over-fetches ``amount * claim_search_multiplier`` hits: the same few hundred documents come back in
every answer until the next refresh, and building a ``Task`` from each (validation, dates, nested
models) was the largest single cost of a claim on the server. A document version is named by its
index, id, ``_seq_no`` and ``_primary_term``; the parsed ``_source`` is kept beside the task and
compared on a hit, so an index deleted and created again under the same name (its sequence numbers
start over) never hands back another document's task.

Writes. The kept ``_source`` serves the next write: a state change is written as the whole new document
plus the top-level keys of the stored one this code does not know (``writes``). A full-document write
this store made is kept the same way, its document being exactly what the engine now stores.

The task a worker holds. A task this store claimed (or wrote while claimed) is kept as written, by
queue index and id, so the worker's next report or finish can start from it instead of reading the
document back (``task_changes``): the compare-and-swap on its version still decides, and a lost one
forgets it. Both maps are bounded by entries, oldest out first.
"""

from collections import OrderedDict
from typing import Any

from app.domain.states import TaskState
from app.domain.task import Task, Version
from app.storage.documents import Document, task_from_document

CAPACITY = 2048
"""Eight concurrent claims of 100, each over-fetched five times over, share most of their hits, and the
claimed ones must still be here when their window is written."""

_Version = tuple[str, str, int, int]
_Task = tuple[str, str]


class KnownDocuments:
    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._versions: OrderedDict[_Version, tuple[Document | None, Task]] = OrderedDict()
        self._claimed: OrderedDict[_Task, Task] = OrderedDict()

    def task(self, hit: dict[str, Any]) -> Task:
        """The task a search hit or realtime read (``_index``, ``_id``, ``_seq_no``, ``_primary_term``,
        ``_source``) holds; raises what ``task_from_document`` raises on a document it cannot read."""
        source: Document = hit["_source"]
        version = Version(seq_num=hit["_seq_no"], primary_term=hit["_primary_term"])
        key = (hit["_index"], hit["_id"], version.seq_num, version.primary_term)
        entry = self._versions.get(key)
        if entry is not None and entry[0] == source:
            return entry[1]
        task = task_from_document(source, version)
        self._keep(key, (source, task))
        return task

    def stored_source(self, index: str, task: Task) -> Document | None:
        """The ``_source`` stored for ``task`` (this very object, at its version), if known here."""
        version = task.metadata.version
        if version is None:
            return None
        entry = self._versions.get((index, task.id, version.seq_num, version.primary_term))
        return entry[0] if entry is not None and entry[1] is task else None

    def written(self, index: str, task: Task, *, document: Document | None) -> None:
        """This store wrote ``task`` (with its new version); ``document`` when it wrote the whole one."""
        version = task.metadata.version
        if version is None:
            return
        self._keep((index, task.id, version.seq_num, version.primary_term), (document, task))
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

    def _keep(self, key: _Version, entry: tuple[Document | None, Task]) -> None:
        self._versions[key] = entry
        if len(self._versions) > self._capacity:
            self._versions.popitem(last=False)
