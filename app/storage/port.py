"""The task store port. Every backend passes the conformance suite in tests/contract/.

This module holds the protocols and the claim and write result types only; the entities and query types
they take and answer (``TaskQuery``, ``AdminJob``, ``Pipeline``, ``PushWorker``, ...) are the domain's.

Compare-and-swap: every task read from a store carries ``metadata.version``. ``update_task(previous,
updated)`` writes ``updated`` only if the stored version still equals ``previous.metadata.version`` and
raises ``VersionConflict`` otherwise (``TaskNotFound`` if the task is gone). Creation is create-only:
an existing (queue, id) is reported as ``TaskAlreadyExists`` and left untouched.

Claiming is a backend operation because the cheapest correct way differs (one IMMEDIATE transaction on
SQLite; a candidate search and one ``_bulk`` of conditional writes on Elasticsearch), but the transition
itself stays in the domain: the service passes ``claim`` (Task -> claimed Task) in.

Archiving moves a finished task (DONE/DEAD/CANCELLED) to the archive and leaves a dedup record under
its (queue, id), so ``create_tasks`` keeps answering ``TaskAlreadyExists`` for it until ``prune_archive``
removes the record after the dedup window; ``get_task`` finds archived tasks too. Archived tasks are
read-only (``update_task`` answers ``TaskNotFound`` for them) except for ``revive_task``, which an admin
retry uses to bring one back live: at every moment at most one copy of a task answers reads, the live
one when there is one.

Any failure to reach the store raises ``StoreUnavailable``; a write that raised it may or may not have
been applied, and every write is idempotent under CAS, so callers can retry by re-reading.

Flow control at claim time (``ClaimRequest.flow``, ``FlowStore``): a claim never takes a task that would
put a queue or key over its concurrency limit (tasks CLAIMED at once) or its rate (token bucket), nor one
whose ``required_capabilities`` the claimer did not declare; such tasks are skipped, stay as they are
(never failed) and are reported in ``ClaimOutcome.throttled``. Claims rotate over concurrency keys. The
guarantee holds across servers sharing the store: SQLite counts CLAIMED tasks inside the claim's
IMMEDIATE transaction; Elasticsearch keeps one limiter record per queue/key (holders, or a token bucket)
changed by compare-and-swap before the tasks' own conditional writes. A limit may be under-used for a
while (a slot stays held until released or reclaimed), never exceeded.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from app.domain.admin_jobs import AdminJob
from app.domain.aggregations import AggregationRequest, QueueThroughput, TaskAggregations
from app.domain.errors import TaskAlreadyExists, TaskNotFound, VersionConflict
from app.domain.flow import FlowRules, LimitKind, ScopeKind
from app.domain.history import TaskEvent
from app.domain.leader_locks import LockRecord
from app.domain.pipelines import Pipeline
from app.domain.push_workers import PushWorker
from app.domain.queries import QueueStats, TaskPage, TaskQuery
from app.domain.queue_samples import QueueSample
from app.domain.recurring import RecurringTask
from app.domain.task import Task


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowOptions:
    """The limits a claim obeys and how hard a store works at them."""

    rules: FlowRules = field(default_factory=FlowRules)
    fairness_window: int = 100
    """How many distinct concurrency keys with claimable tasks one claim pass rotates over."""
    pending_grace: timedelta = timedelta(seconds=30)
    """Elasticsearch: how long a limiter slot whose task still looks unclaimed is kept for the claim
    that took it (its task write may still be on its way) before another claim may reclaim it."""
    limiter_retries: int = 10
    """Elasticsearch: rounds of re-reading limiter records after lost compare-and-swaps."""


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """``queues`` empty means every queue. ``at`` is both the claim time and the ``run_at`` cut-off.

    Claim order: tasks are grouped by ``concurrency_key`` (tasks without one form one group); groups
    take turns, least recently served by this store object first (then the group whose best task is
    best), and within a group tasks go best first: priority desc, run_at asc, enqueued asc. With one
    group that is plain best-first order.
    """

    queues: tuple[str, ...]
    amount: int
    at: datetime
    excluded_queues: frozenset[str] = frozenset()
    """Paused queues: never claimed from, even when ``queues`` is empty (every queue)."""
    flow: FlowOptions = FlowOptions()
    capabilities: frozenset[str] | None = None
    """What the claimer declared; None: nothing. Only tasks whose required capabilities it covers."""
    offered: tuple[Task, ...] = ()
    """When set, claim only from these tasks (just created through this server, with the versions the
    store returned) instead of searching: the in-process hand-off, under the same limits and filters."""


@dataclass(frozen=True, slots=True)
class Throttled:
    """Claimable candidates a claim pass skipped because of one limit, by queue and scope.

    A measure of pressure for metrics, not a task count: a pass looks at a backend-dependent number of
    candidates (SQLite counts the best ``amount`` it left out, Elasticsearch the search hits it turned
    away), and a task held back over several passes counts in each."""

    queue: str
    scope: ScopeKind
    limit: LimitKind
    count: int


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    claimed: list[Task]
    conflicts: int
    throttled: tuple[Throttled, ...] = ()
    events: tuple[TaskEvent, ...] = ()
    """The history events written with the claims (``claim_tasks``' ``events_for``)."""


@dataclass(frozen=True, slots=True)
class TaskChange:
    before: Task
    after: Task
    events: list[TaskEvent]
    """The history events stored with the change (empty if the backend could not append them)."""


CreateResult = Task | TaskAlreadyExists
UpdateResult = Task | VersionConflict | TaskNotFound
DeleteResult = Task | VersionConflict | TaskNotFound
"""A deleted task answers as it was read."""


class TaskStore(Protocol):
    async def setup(self) -> None:
        """Create schema / templates / indices. Idempotent."""

    async def verify_setup(self) -> None:
        """Raise ``StoreNotSetUp`` naming what is missing."""

    async def ping(self) -> None:
        """Raise ``StoreUnavailable`` when the store cannot be reached."""

    async def probe_writes(self) -> None:
        """Raise ``StoreUnavailable`` when the store cannot take a write now (SQLite's lock held beyond
        the busy timeout, an Elasticsearch write block or missing primary). Cheap, and changes nothing
        that matters; readiness calls it once the setup is verified."""

    async def close(self) -> None: ...

    async def create_tasks(self, tasks: Sequence[Task]) -> list[CreateResult]:
        """Create-only, in order; results carry versions. A live task or a dedup record is a conflict."""

    async def get_task(self, queue: str, task_id: str) -> Task:
        """Realtime read by id (sees writes before any refresh); falls back to the archive."""

    async def get_tasks(self, keys: Sequence[tuple[str, str]]) -> list[Task | TaskNotFound]:
        """``get_task`` for many (queue, id) keys in one round trip where the store allows, in order."""

    async def update_task(self, previous: Task, updated: Task) -> Task: ...

    async def update_tasks(
        self, changes: Sequence[tuple[Task, Task]], *, events: Sequence[Sequence[TaskEvent]] | None = None
    ) -> list[UpdateResult]:
        """Many CAS writes in one round trip; each item succeeds or fails on its own. ``events[i]``
        (when given) is the history of change ``i``, appended if and only if that change is stored: in
        the same transaction where the backend has them (SQLite), else in the next write after the
        swaps, best effort."""

    async def revive_task(self, previous: Task, updated: Task) -> Task:
        """``update_task``, except that ``previous`` may also be an archived task (as ``get_task`` or an
        ``include_archive`` search answered it): then ``updated`` becomes the live task under the same
        (queue, id) and the archived copy goes away, conditional on that copy still being ``previous``
        and no live task holding the id. The id stays taken (the dedup record stays) and the attempt
        history stays. Two revivals of one archived task: exactly one wins, the other raises
        ``VersionConflict`` (a live task holds the id now, or the copy changed); ``TaskNotFound`` when
        the copy is gone (pruned). Never leaves a live and an archived copy both answering reads."""

    async def change_task(
        self,
        queue: str,
        task_id: str,
        transition: Callable[[Task], Task],
        events_for: Callable[[Task], Sequence[TaskEvent]],
    ) -> "TaskChange":
        """Read the task (archived ones too), apply ``transition``, compare-and-swap the result and
        append ``events_for(stored)``: in one transaction where the backend has them (SQLite: one
        round trip), else in that order with the events best effort. Raises what ``transition``
        raises, ``TaskNotFound``, or ``VersionConflict`` when another write came between the read and
        the swap (the caller may retry)."""

    async def queue_stats(self) -> list[QueueStats]:
        """Live tasks counted per queue and state, by queue name; near-real-time on Elasticsearch."""

    async def count_tasks(self, query: TaskQuery) -> int:
        """How many tasks ``search_tasks`` would list for ``query``; near-real-time on Elasticsearch."""

    async def aggregate_tasks(self, query: TaskQuery, request: AggregationRequest) -> TaskAggregations:
        """The aggregations ``request`` names over the tasks ``search_tasks`` would list for ``query``,
        with the semantics ``app.domain.aggregations`` documents; near-real-time on Elasticsearch."""

    async def finished_counts(self, *, since: Sequence[datetime]) -> list[QueueThroughput]:
        """Per queue and cut-off in ``since``, tasks (live and archived) in each finished state whose
        last change is at or after the cut-off; entries with no such task may be left out.
        Near-real-time on Elasticsearch."""

    async def delete_task(self, previous: Task) -> None:
        """CAS delete of a live task: ``VersionConflict`` or ``TaskNotFound``. Its history stays."""

    async def search_tasks(self, query: TaskQuery, *, limit: int, cursor: str | None) -> TaskPage:
        """Live tasks (and archived ones when asked) in ``query``'s order, keyset-paginated by ``cursor``
        (a cursor handed out for another ordering raises ``InvalidInput``).
        Near-real-time on Elasticsearch: a write shows up after the next refresh."""

    async def claim_tasks(
        self,
        request: ClaimRequest,
        claim: Callable[[Task], Task],
        *,
        events_for: Callable[[Task], Sequence[TaskEvent]] | None = None,
    ) -> ClaimOutcome:
        """Claim up to ``amount`` claimable tasks in claim order (see ``ClaimRequest``), within
        ``request.flow`` limits, covered by ``request.capabilities``, outside ``excluded_queues``.
        ``events_for(claimed)`` is appended for every claimed task as ``update_tasks`` appends its
        ``events``, and answered in ``ClaimOutcome.events``."""

    async def release_claims(self, tasks: Sequence[Task]) -> None:
        """``tasks``, as they were while CLAIMED, have left CLAIMED (or changed lease): free the
        concurrency slots their leases hold. An optimisation, never needed for correctness: a claim that
        finds a limit full checks every holder against its task (realtime) and reclaims the stale ones,
        so tasks finished by paths that do not call this (reaper, batch finish, admin actions, a crash)
        free their slots at the next claim that needs them. Best effort; nothing on SQLite, which counts
        CLAIMED tasks instead of keeping holders."""

    async def record_capabilities(self, capabilities: frozenset[str], *, at: datetime) -> None:
        """Remember that a claimer declared this capability set at ``at`` (one record per distinct set,
        last write wins)."""

    async def unclaimable_counts(self, *, seen_since: datetime) -> dict[str, int]:
        """Per queue, waiting (queued or failed) tasks whose required capabilities no set recorded at or
        after ``seen_since`` covers: work no live worker can take. Near-real-time on Elasticsearch."""


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


class DeadLetterStore(Protocol):
    """Removing expired DEAD tasks (the dead-letter set), live and archived, for the leader."""

    async def dead_task_queues(self) -> list[str]:
        """Queues holding DEAD tasks, live or archived, by name; near-real-time on Elasticsearch."""

    async def find_dead_tasks(self, *, queue: str, finished_before: datetime, limit: int) -> list[Task]:
        """Up to ``limit`` live DEAD tasks of ``queue`` last modified at or before ``finished_before``,
        oldest first, with versions. Near-real-time on Elasticsearch: a hit may have changed since (a
        delete conditional on its version then conflicts)."""

    async def delete_tasks(self, tasks: Sequence[Task]) -> list[DeleteResult]:
        """``delete_task`` for many live tasks in one round trip, each conditional on its version and
        answered on its own, in order. Leaves no dedup record; history stays."""

    async def prune_archived_dead(self, *, queue: str, finished_before: datetime, limit: int) -> int:
        """Delete up to ``limit`` archived DEAD tasks of ``queue`` last modified at or before
        ``finished_before`` (archived tasks are read-only, so no condition is needed); returns how many.
        Their dedup records stay until ``prune_archive`` removes them."""


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


class AdminJobStore(Protocol):
    async def create_admin_job(self, job: AdminJob) -> AdminJob: ...

    async def get_admin_job(self, job_id: str) -> AdminJob:
        """Raises ``AdminJobNotFound``."""

    async def update_admin_job(self, previous: AdminJob, updated: AdminJob) -> AdminJob:
        """CAS on ``previous.version``: ``VersionConflict``."""

    async def list_admin_jobs(self, *, statuses: tuple[str, ...], limit: int) -> list[AdminJob]:
        """Newest first; reflects writes already made."""


class PipelineStore(Protocol):
    async def create_pipeline(self, pipeline: Pipeline) -> Pipeline:
        """Create-only: ``PipelineAlreadyExists`` when the id exists."""

    async def get_pipeline(self, pipeline_id: str) -> Pipeline:
        """Realtime read; raises ``PipelineNotFound``."""

    async def update_pipeline(self, previous: Pipeline, updated: Pipeline) -> Pipeline:
        """CAS on ``previous.version``: ``VersionConflict`` or ``PipelineNotFound``."""

    async def list_pipelines(self, *, state: str | None, after_id: str | None, limit: int) -> list[Pipeline]:
        """By id ascending, ids greater than ``after_id``; near-real-time on Elasticsearch (a pipeline
        shows up after the next refresh, and its version may be stale: a CAS on it can conflict)."""


class PushWorkerStore(Protocol):
    async def create_push_worker(self, worker: PushWorker) -> PushWorker:
        """Create-only: ``PushWorkerAlreadyExists`` when the id exists."""

    async def get_push_worker(self, worker_id: str) -> PushWorker:
        """Realtime read; raises ``PushWorkerNotFound``."""

    async def update_push_worker(self, previous: PushWorker, updated: PushWorker) -> PushWorker:
        """CAS on ``previous.version``: ``VersionConflict`` or ``PushWorkerNotFound``."""

    async def delete_push_worker(self, previous: PushWorker) -> None:
        """CAS delete: ``VersionConflict`` or ``PushWorkerNotFound``."""

    async def list_push_workers(self) -> list[PushWorker]:
        """Every registration, by id; near-real-time on Elasticsearch (read one with
        ``get_push_worker`` for its latest state)."""


class QueueSampleStore(Protocol):
    """Per-minute queue samples (``app.domain.queue_samples``), keyed by queue and minute."""

    async def put_queue_samples(self, samples: Sequence[QueueSample]) -> None:
        """Writes each sample, replacing any stored for the same queue and minute."""

    async def list_queue_samples(self, *, queue: str, since: datetime, until: datetime) -> list[QueueSample]:
        """The samples of ``queue`` (or ``ALL_QUEUES``) with ``since <= minute < until``, oldest first."""
        ...

    async def prune_queue_samples(self, *, before: datetime) -> int:
        """Removes the samples of every queue whose minute is before ``before``; returns how many."""
        ...


class Store(
    TaskStore,
    MaintenanceStore,
    DeadLetterStore,
    LeaderLockStore,
    RecurringStore,
    EventStore,
    QueueControlStore,
    AdminJobStore,
    PipelineStore,
    PushWorkerStore,
    QueueSampleStore,
    Protocol,
):
    """Everything a backend provides."""
