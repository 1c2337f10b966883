"""Task documents for raw writes, in exactly the shape the server stores.

One template task per queue goes through the real domain transitions (enqueue, claim, done) and the
real serialisers (``task_to_document``, ``rows.task_row_values``); rows and documents for many tasks are
then copies of the template with the id swapped in, which keeps seeding a million rows fast.
"""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.domain.ids import new_task_id
from app.domain.task import Claimant, Task
from app.services.new_task import NewTask
from app.services.policies import TaskPolicies
from app.storage.documents import Document, task_to_document
from app.storage.sqlite.rows import task_row_values

ID_MARK = "@@bench-id@@"
WORKER_ID = "bench-raw"
LEASE_TOKEN = "0" * 32


@dataclass(frozen=True)
class TaskStages:
    """The same task queued, claimed and done."""

    queued: Task
    claimed: Task
    done: Task


def task_stages(queue: str) -> TaskStages:
    at = datetime.now(UTC)
    queued = NewTask(queue=queue, kind="bench", args={"n": 0}).to_task(TaskPolicies(), at=at)
    queued = queued.model_copy(update={"id": ID_MARK})
    claimed = queued.claim(worker_id=WORKER_ID, at=at, lease_token=LEASE_TOKEN)
    done = claimed.mark_done(Claimant(worker_id=WORKER_ID, lease_token=LEASE_TOKEN), at=at, data=None)
    return TaskStages(queued=queued, claimed=claimed, done=done)


class SqliteRowTemplate:
    """``tasks`` row values (without queue and id) for one stage; ``values(id)`` fills the id in."""

    def __init__(self, task: Task) -> None:
        *columns, document = task_row_values(task)
        self._columns = tuple(columns)
        self._head, self._tail = str(document).split(ID_MARK)

    def values(self, task_id: str) -> tuple[Any, ...]:
        return (*self._columns, f"{self._head}{task_id}{self._tail}")


class DocumentTemplate:
    """The stored (Elasticsearch ``_source``) document for one stage, for any id."""

    def __init__(self, task: Task) -> None:
        self._document = task_to_document(task)

    def document(self, task_id: str) -> Document:
        return {**self._document, "id": task_id}


def server_task_ids(count: int) -> list[str]:
    """Ids from the server's own generator (time-ordered, like UUIDv7), so a ceiling's rows and documents
    land in the primary key and the id index where the server's do."""
    return [new_task_id(datetime.now(UTC)) for _ in range(count)]
