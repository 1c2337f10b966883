"""Tasks already built from a document version this store has read, so a hit seen again is not parsed
again.

Concurrent claims on one server search the same queue at the same moment, and each over-fetches
``amount * claim_search_multiplier`` hits: the same few hundred documents come back in every answer
until the next refresh, and building a ``Task`` from each (validation, dates, nested models) was the
largest single cost of a claim on the server. A document version is named by its index, id,
``_seq_no`` and ``_primary_term``; the parsed ``_source`` is kept beside the task and compared on a
hit, so an index deleted and created again under the same name (its sequence numbers start over) can
never hand back another document's task. Bounded by entries, oldest out first.

The kept ``_source`` also serves writes: a state change is written as the whole new document plus the
top-level keys of the stored one this code does not know (``writes``), which needs the stored one.
"""

from collections import OrderedDict
from typing import Any

from app.domain.task import Task, Version
from app.storage.documents import Document, task_from_document

CAPACITY = 2048
"""Eight concurrent claims of 100, each over-fetched five times over, share most of their hits, and the
claimed ones must still be here when their window is written."""

_Key = tuple[str, str, int, int]


class ParsedHits:
    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._entries: OrderedDict[_Key, tuple[Document, Task]] = OrderedDict()

    def task(self, hit: dict[str, Any]) -> Task:
        """The task a search hit or realtime read (``_index``, ``_id``, ``_seq_no``, ``_primary_term``,
        ``_source``) holds; raises what ``task_from_document`` raises on a document it cannot read."""
        source: Document = hit["_source"]
        version = Version(seq_num=hit["_seq_no"], primary_term=hit["_primary_term"])
        key = (hit["_index"], hit["_id"], version.seq_num, version.primary_term)
        entry = self._entries.get(key)
        if entry is not None and entry[0] == source:
            return entry[1]
        task = task_from_document(source, version)
        self._entries[key] = (source, task)
        if len(self._entries) > self._capacity:
            self._entries.popitem(last=False)
        return task

    def stored_source(self, index: str, task: Task) -> Document | None:
        """The ``_source`` ``task`` was parsed from here (this very object, at its version), if kept."""
        version = task.metadata.version
        if version is None:
            return None
        entry = self._entries.get((index, task.id, version.seq_num, version.primary_term))
        return entry[0] if entry is not None and entry[1] is task else None
