"""The task store port. Every backend passes the conformance suite in tests/contract/.

Compare-and-swap: every task read from a store carries ``metadata.version``. ``update_task(previous,
updated)`` writes ``updated`` only if the stored version still equals ``previous.metadata.version`` and
raises ``VersionConflict`` otherwise (``TaskNotFound`` if the task is gone). Creation is create-only:
an existing (queue, id) is reported as ``TaskAlreadyExists`` and left untouched.

Claiming is a backend operation because the cheapest correct way differs (one IMMEDIATE transaction on
SQLite; a candidate search and one ``_bulk`` of conditional writes on Elasticsearch), but the transition
itself stays in the domain: the service passes ``claim`` (Task -> claimed Task) in.

Archiving moves a finished task (DONE/DEAD) to the archive and leaves a dedup record under its
(queue, id), so ``create_tasks`` keeps answering ``TaskAlreadyExists`` for it until ``prune_archive``
removes the record after the dedup window; ``get_task`` finds archived tasks too.

Any failure to reach the store raises ``StoreUnavailable``; a write that raised it may or may not have
been applied, and every write is idempotent under CAS, so callers can retry by re-reading.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from app.domain.errors import TaskAlreadyExists, TaskNotFound, VersionConflict
from app.domain.history import TaskEvent
from app.domain.recurring import RecurringTask
from app.domain.states import TaskState
from app.domain.task import Task, Version


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """``queues`` empty means every queue. ``at`` is both the claim time and the ``run_at`` cut-off."""

    queues: tuple[str, ...]
    amount: int
    at: datetime
    excluded_queues: frozenset[str] = frozenset()
    """Paused queues: never claimed from, even when ``queues`` is empty (every queue)."""


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    claimed: list[Task]
    conflicts: int


@dataclass(frozen=True, slots=True, kw_only=True)
class TaskQuery:
    """Filters for listing tasks; empty tuples mean "any". Newest first (created_at desc, queue, id)."""

    queues: tuple[str, ...] = ()
    states: tuple[TaskState, ...] = ()
    kinds: tuple[str, ...] = ()
    worker_id: str | None = None
    recurring_task_id: str | None = None
    created_after: datetime | None = None
    created_before: datetime | None = None
    include_archive: bool = False


@dataclass(frozen=True, slots=True)
class QueueStats:
    queue: str
    counts: dict[TaskState, int]
    oldest_queued_run_at: datetime | None
    """The earliest run_at among QUEUED tasks: how long the head of the backlog has been due."""


@dataclass(frozen=True, slots=True)
class TaskPage:
    tasks: list[Task]
    next_cursor: str | None
    """Opaque; pass it back to get the page after this one. None on the last page."""


CreateResult = Task | TaskAlreadyExists
UpdateResult = Task | VersionConflict | TaskNotFound


class TaskStore(Protocol):
    async def setup(self) -> None:
        """Create schema / templates / indices. Idempotent."""

    async def verify_setup(self) -> None:
        """Raise ``StoreNotSetUp`` naming what is missing."""

    async def ping(self) -> None:
        """Raise ``StoreUnavailable`` when the store cannot be reached."""

    async def close(self) -> None: ...

    async def create_tasks(self, tasks: Sequence[Task]) -> list[CreateResult]:
        """Create-only, in order; results carry versions. A live task or a dedup record is a conflict."""

    async def get_task(self, queue: str, task_id: str) -> Task:
        """Realtime read by id (sees writes before any refresh); falls back to the archive."""

    async def get_tasks(self, keys: Sequence[tuple[str, str]]) -> list[Task | TaskNotFound]:
        """``get_task`` for many (queue, id) keys in one round trip where the store allows, in order."""

    async def update_task(self, previous: Task, updated: Task) -> Task: ...

    async def update_tasks(self, changes: Sequence[tuple[Task, Task]]) -> list[UpdateResult]:
        """Many CAS writes in one round trip; each item succeeds or fails on its own."""

    async def queue_stats(self) -> list[QueueStats]:
        """Live tasks counted per queue and state, by queue name; near-real-time on Elasticsearch."""

    async def count_tasks(self, query: TaskQuery) -> int:
        """How many tasks ``search_tasks`` would list for ``query``; near-real-time on Elasticsearch."""

    async def delete_task(self, previous: Task) -> None:
        """CAS delete of a live task: ``VersionConflict`` or ``TaskNotFound``. Its history stays."""

    async def search_tasks(self, query: TaskQuery, *, limit: int, cursor: str | None) -> TaskPage:
        """Live tasks (and archived ones when asked), newest first, keyset-paginated by ``cursor``.
        Near-real-time on Elasticsearch: a write shows up after the next refresh."""

    async def claim_tasks(self, request: ClaimRequest, claim: Callable[[Task], Task]) -> ClaimOutcome:
        """Claim up to ``amount`` claimable tasks, best first: priority desc, run_at asc, enqueued asc."""


@dataclass(frozen=True, slots=True)
class ArchiveOutcome:
    archived: int
    skipped: int
    """Candidates that changed between the search and the conditional delete; left live."""


class MaintenanceStore(Protocol):
    """Task queries and moves for the leader-only services."""

    async def find_timed_out(self, *, at: datetime, limit: int) -> list[Task]:
        """CLAIMED tasks with ``times_out_at <= at``, earliest timeout first."""

    async def count_outstanding(self, *, queue: str, recurring_task_id: str) -> int:
        """QUEUED, FAILED and CLAIMED tasks spawned by a recurring task; reflects writes already made."""

    async def find_outstanding(self, *, queue: str, recurring_task_id: str, limit: int) -> list[Task]:
        """The tasks ``count_outstanding`` counts (with versions), oldest first; reflects writes made."""

    async def archive_finished(
        self, *, finished_before: datetime, at: datetime, limit: int
    ) -> ArchiveOutcome:
        """Move up to ``limit`` DONE/DEAD tasks last modified at or before ``finished_before``; each move
        is conditional on the version that was read, so a task that changed meanwhile stays live."""

    async def prune_archive(
        self, *, archived_before: datetime | None, dedup_before: datetime, limit: int
    ) -> int:
        """Delete archived tasks archived before ``archived_before`` (None: retention is the store's own,
        e.g. an ILM delete phase) and dedup records older than ``dedup_before``; returns how many."""


@dataclass(frozen=True, slots=True)
class LockRecord:
    name: str
    holder: str
    renewed_at: datetime
    lease: timedelta
    version: Version


class LeaderLockStore(Protocol):
    """One record per lock name, changed only by compare-and-swap. Expiry is decided by the elector."""

    async def read_lock(self, name: str) -> LockRecord | None: ...

    async def create_lock(self, name: str, *, holder: str, at: datetime, lease: timedelta) -> LockRecord:
        """Create-only: raises ``VersionConflict`` when the record exists."""

    async def replace_lock(
        self, previous: LockRecord, *, holder: str, at: datetime, lease: timedelta
    ) -> LockRecord:
        """Raises ``VersionConflict`` when the record changed or vanished since ``previous``."""

    async def delete_lock(self, previous: LockRecord) -> bool:
        """Delete if unchanged since ``previous``; False when it changed or vanished."""


class RecurringStore(Protocol):
    async def create_recurring(self, recurring: RecurringTask) -> RecurringTask:
        """Create-only: ``RecurringTaskAlreadyExists`` when the id exists."""

    async def get_recurring(self, recurring_id: str) -> RecurringTask:
        """Raises ``RecurringTaskNotFound``."""

    async def update_recurring(self, previous: RecurringTask, updated: RecurringTask) -> RecurringTask:
        """CAS on ``previous.metadata.version``: ``VersionConflict`` or ``RecurringTaskNotFound``."""

    async def delete_recurring(self, previous: RecurringTask) -> None:
        """CAS delete: ``VersionConflict`` or ``RecurringTaskNotFound``."""

    async def list_recurring(self) -> list[RecurringTask]:
        """Every definition, by id; reflects writes already made (read-your-writes)."""


class EventStore(Protocol):
    """Append-only attempt history; events outlive the live task (they are not archived with it)."""

    async def append_events(self, events: Sequence[TaskEvent]) -> None:
        """Idempotent per ``TaskEvent.event_id``."""

    async def list_events(self, queue: str, task_id: str, *, limit: int) -> list[TaskEvent]:
        """Oldest first; reflects events already appended (read-your-writes)."""

    async def prune_events(self, *, before: datetime, limit: int) -> int:
        """Delete up to ``limit`` events older than ``before``; 0 where the store expires them itself
        (an ILM delete phase)."""


class QueueControlStore(Protocol):
    """Which queues are paused: claims skip them, enqueues still land."""

    async def paused_queues(self) -> frozenset[str]:
        """Reflects writes already made (one realtime read)."""

    async def set_queue_paused(self, queue: str, *, paused: bool) -> frozenset[str]:
        """Compare-and-swap on one record; returns the paused set after the change."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminJob:
    """A query-driven bulk action, worked through in batches by the leader and resumable from ``cursor``."""

    id: str
    action: str
    query: TaskQuery
    parameters: dict[str, object]
    status: str  # pending | running | done | failed
    created_at: datetime
    updated_at: datetime
    total: int
    processed: int = 0
    succeeded: int = 0
    skipped: int = 0
    """Tasks that changed meanwhile or no longer allowed the action."""
    cursor: str | None = None
    error: str | None = None
    version: Version | None = None


class AdminJobStore(Protocol):
    async def create_admin_job(self, job: AdminJob) -> AdminJob: ...

    async def get_admin_job(self, job_id: str) -> AdminJob:
        """Raises ``AdminJobNotFound``."""

    async def update_admin_job(self, previous: AdminJob, updated: AdminJob) -> AdminJob:
        """CAS on ``previous.version``: ``VersionConflict``."""

    async def list_admin_jobs(self, *, statuses: tuple[str, ...], limit: int) -> list[AdminJob]:
        """Newest first; reflects writes already made."""


class Store(
    TaskStore,
    MaintenanceStore,
    LeaderLockStore,
    RecurringStore,
    EventStore,
    QueueControlStore,
    AdminJobStore,
    Protocol,
):
    """Everything a backend provides."""
