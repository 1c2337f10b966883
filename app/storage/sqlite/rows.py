"""Task rows: the shared JSON document plus the columns that claim, reaper and archiver queries need."""

import functools
import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from app.domain.task import Metadata, Task, Version
from app.storage import document_json
from app.storage.documents import Document, task_from_document, task_to_document

PRIMARY_TERM = 1

TASK_COLUMNS = (
    "state, priority, run_at_us, enqueued_at_us, remaining_attempts, times_out_at_us, modified_at_us, "
    "recurring_task_id, concurrency_key, rate_limit_key, required_capabilities, worker_id, document"
)
INSERT_TASK = (
    f"INSERT INTO tasks (queue, id, {TASK_COLUMNS}, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)"
)
INSERT_TASK_AT_VERSION = (
    f"INSERT INTO tasks (queue, id, {TASK_COLUMNS}, version) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
"""A task coming back from the archive, numbered on from its archived version (see ``revival``)."""
UPDATE_TASK = (
    "UPDATE tasks SET state = ?, priority = ?, run_at_us = ?, enqueued_at_us = ?, remaining_attempts = ?, "
    "times_out_at_us = ?, modified_at_us = ?, recurring_task_id = ?, concurrency_key = ?, "
    "rate_limit_key = ?, required_capabilities = ?, worker_id = ?, document = ?, version = version + 1 "
    "WHERE queue = ? AND id = ? AND version = ?"
)


def micros(moment: datetime) -> int:
    return int(moment.timestamp() * 1_000_000)


def dumps(document: Document | list[Any]) -> str:
    """Text for a document column (``document_json``: orjson, the json module for what it refuses)."""
    return document_json.dumps(document).decode()


def task_row_values(task: Task) -> tuple[Any, ...]:
    claim = task.last_claimed
    return (
        task.state.value,
        task.priority,
        micros(task.run_at),
        micros(task.last_enqueued_at),
        task.remaining_attempts,
        micros(claim.times_out_at) if claim else None,
        micros(task.metadata.modified_at),
        task.recurring_task_id,
        task.concurrency_key,
        task.rate_limit_key,
        dumps(list(task.required_capabilities)) if task.required_capabilities else None,
        claim.worker_id if claim else None,
        dumps(task_to_document(task)),
    )


# Cached: a Version is immutable, and every row read or written needs one for a small row version.
@functools.lru_cache(maxsize=1024)
def version_of(seq_num: int) -> Version:
    return Version(seq_num=seq_num, primary_term=PRIMARY_TERM)


def with_version(task: Task, seq_num: int) -> Task:
    metadata = task.metadata
    stamped = Metadata(
        created_at=metadata.created_at, modified_at=metadata.modified_at, version=version_of(seq_num)
    )
    return task.model_copy(update={"metadata": stamped})


class _ParsedTasks:
    """Tasks already built from a stored (document, version): a task is claimed, then finished, and
    each step reads back the row the previous one wrote, so most reads need no parsing (half of a
    claim's cost). The key is the row's whole content, so a hit is always the same task; the
    connection threads and the event loop share it, hence the lock around writes."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        # Ordered for O(1) eviction of the oldest: ``del d[next(iter(d))]`` on a plain dict walks past
        # every slot already deleted at its front, which grows until the next resize.
        self._tasks: OrderedDict[tuple[int, str], Task] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, seq_num: int, document: str) -> Task | None:
        return self._tasks.get((seq_num, document))

    def put(self, seq_num: int, document: str, task: Task) -> None:
        with self._lock:
            self._tasks[(seq_num, document)] = task
            while len(self._tasks) > self._capacity:
                self._tasks.popitem(last=False)


PARSED_TASKS = _ParsedTasks(capacity=2048)


def task_from_row(row: Any) -> Task:
    document, seq_num = row
    parsed = PARSED_TASKS.get(seq_num, document)
    if parsed is None:
        parsed = task_from_document(document_json.loads(document), version_of(seq_num))
        PARSED_TASKS.put(seq_num, document, parsed)
    return parsed


def stored(task: Task, seq_num: int, document: str) -> Task:
    """``task`` as just written with ``document`` at version ``seq_num``, remembered for the next read."""
    versioned = with_version(task, seq_num)
    PARSED_TASKS.put(seq_num, document, versioned)
    return versioned
