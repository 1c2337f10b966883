"""Operating tasks by hand or by query: retry, requeue, reprioritize, cancel, delete; pausing queues.

Bulk actions become admin jobs: the query (every filter a search takes) is counted and stored, then the
leader works through it one batch per pass, newest created task first whatever order the query asked
for (see ``app.maintenance.admin_jobs`` for why), saving the cursor and counters after each batch with a
compare-and-swap. A server that dies mid-job loses at most the batch in flight, and redoing it is
harmless: every change is a compare-and-swap, and a task that no longer allows the action (already
retried, finished meanwhile) is counted as skipped, never changed twice.

Retry also reaches archived tasks (single, and bulk with ``include_archive``): archived dead-letters
stay retryable, and ``TaskStore.revive_task`` brings such a task back live under the same id with
fresh attempts. Every other action leaves archived tasks alone (they are read-only), so a bulk query
asking for the archive with another action is refused.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from app.clock import Clock
from app.domain.admin_jobs import AdminJob
from app.domain.errors import InvalidInput, InvalidTransition, TasquesError
from app.domain.queries import QueueStats, SortOrder, TaskQuery, TaskSort
from app.domain.queue_names import ensure_valid_queue_name
from app.domain.states import TaskState
from app.domain.task import Task
from app.services.completions import CompletionBoard
from app.services.conflict_retry import retry_on_conflict
from app.services.history import HistoryRecorder, outcome_event
from app.services.paused_queues import NeverPaused, PausedQueues
from app.services.policies import TaskPolicies
from app.storage.port import AdminJobStore, QueueControlStore, TaskStore


class AdminAction(StrEnum):
    RETRY = "retry"
    REQUEUE = "requeue"
    REPRIORITIZE = "reprioritize"
    CANCEL = "cancel"
    DELETE = "delete"


class AdminStore(TaskStore, QueueControlStore, AdminJobStore, Protocol):
    """Admin needs tasks, the paused set and job records."""


@dataclass(frozen=True)
class BulkPreview:
    count: int
    sample: list[Task]


THROUGHPUT_WINDOWS = (timedelta(minutes=1), timedelta(minutes=5))
"""The queues overview counts tasks finished within each of these, up to now."""


@dataclass(frozen=True)
class Throughput:
    """Tasks (live and archived) now in each finished state whose last change is within ``window``."""

    window: timedelta
    counts: dict[TaskState, int]


@dataclass(frozen=True)
class QueueOverview:
    queue: str
    stats: QueueStats | None
    paused: bool
    unclaimable: int = 0
    """Waiting tasks whose required capabilities no worker declared recently (flow control)."""
    throughput: tuple[Throughput, ...] = ()


class AdminService:
    def __init__(
        self,
        store: AdminStore,
        *,
        policies: TaskPolicies,
        clock: Clock,
        history: HistoryRecorder,
        completions: CompletionBoard,
        paused: PausedQueues | NeverPaused,
    ) -> None:
        self._paused = paused
        self._store = store
        self._policies = policies
        self._clock = clock
        self._history = history
        self._completions = completions

    async def act_on_task(
        self, action: AdminAction, queue: str, task_id: str, *, priority: int | None = None
    ) -> Task | None:
        """One task, read-transition-CAS with bounded retries; ``delete`` returns None."""
        ensure_valid_queue_name(queue)
        _check_parameters(action, priority)

        async def act_once() -> Task | None:
            current = await self._store.get_task(queue, task_id)
            return await self._apply(action, current, priority=priority, at=self._clock.now_utc())

        return await retry_on_conflict(
            act_once, retry_times=self._policies.limits.version_conflict_retry_times
        )

    async def preview(self, action: AdminAction, query: TaskQuery, *, priority: int | None) -> BulkPreview:
        _check_parameters(action, priority)
        query = _job_query(action, query)
        page = await self._store.search_tasks(query, limit=10, cursor=None)
        return BulkPreview(count=await self._store.count_tasks(query), sample=page.tasks)

    async def start_job(self, action: AdminAction, query: TaskQuery, *, priority: int | None) -> AdminJob:
        _check_parameters(action, priority)
        query = _job_query(action, query)
        at = self._clock.now_utc()
        job = AdminJob(
            id=uuid.uuid4().hex,
            action=action.value,
            query=query,
            parameters={} if priority is None else {"priority": priority},
            status="pending",
            created_at=at,
            updated_at=at,
            total=await self._store.count_tasks(query),
        )
        return await self._store.create_admin_job(job)

    async def get_job(self, job_id: str) -> AdminJob:
        return await self._store.get_admin_job(job_id)

    async def run_job_batch(self, job: AdminJob, *, batch_size: int) -> AdminJob:
        """One batch of ``job``; the returned job carries the new cursor, counters and status."""
        action = AdminAction(job.action)
        page = await self._store.search_tasks(
            _job_query(action, job.query), limit=batch_size, cursor=job.cursor
        )
        succeeded = skipped = 0
        priority = job.parameters.get("priority")
        for task in page.tasks:
            try:
                await self._apply(
                    action,
                    task,
                    priority=priority if isinstance(priority, int) else None,
                    at=self._clock.now_utc(),
                )
                succeeded += 1
            except TasquesError:  # changed meanwhile, gone, or no longer allows the action
                skipped += 1
        finished = page.next_cursor is None
        updated = replace(
            job,
            status="done" if finished else "running",
            updated_at=self._clock.now_utc(),
            processed=job.processed + len(page.tasks),
            succeeded=job.succeeded + succeeded,
            skipped=job.skipped + skipped,
            cursor=page.next_cursor if not finished else job.cursor,
        )
        return await self._store.update_admin_job(job, updated)

    async def pause(self, queue: str, *, paused: bool) -> QueueOverview:
        """Pause or resume ``queue``; answers its entry of the queues overview, as ``queues`` lists it."""
        now_paused = await self._store.set_queue_paused(ensure_valid_queue_name(queue), paused=paused)
        self._paused.changed(now_paused)
        entry = next((entry for entry in await self.queues() if entry.queue == queue), None)
        if entry is None:  # no tasks and now resumed: the overview lists it no more, but it has a summary
            entry = QueueOverview(queue, None, paused=False, throughput=_no_throughput())
        # The set just written wins over a re-read that a slower replica might answer.
        return replace(entry, paused=queue in now_paused)

    async def queues(self) -> list[QueueOverview]:
        now = self._clock.now_utc()
        stats = {entry.queue: entry for entry in await self._store.queue_stats()}
        paused = await self._store.paused_queues()
        live_for = self._policies.flow_control.capabilities_live_for
        unclaimable = await self._store.unclaimable_counts(seen_since=now - live_for)
        finished = await self._store.finished_counts(since=[now - window for window in THROUGHPUT_WINDOWS])
        by_cut_off = {(entry.queue, entry.since): entry.counts for entry in finished}
        return [
            QueueOverview(
                queue,
                stats.get(queue),
                queue in paused,
                unclaimable.get(queue, 0),
                tuple(
                    Throughput(window, by_cut_off.get((queue, now - window), {}))
                    for window in THROUGHPUT_WINDOWS
                ),
            )
            for queue in sorted(set(stats) | paused)
        ]

    async def _apply(
        self, action: AdminAction, task: Task, *, priority: int | None, at: datetime
    ) -> Task | None:
        if action is AdminAction.DELETE:
            if task.state is TaskState.CLAIMED:
                raise InvalidTransition(task.id, "deleted while claimed (cancel it first)", task.state.value)
            await self._store.delete_task(task)
            return None
        transitions: dict[AdminAction, Callable[[Task], Task]] = {
            AdminAction.RETRY: lambda current: current.retry(at=at),
            AdminAction.REQUEUE: lambda current: current.requeue(at=at),
            AdminAction.REPRIORITIZE: lambda current: current.reprioritize(at=at, priority=priority or 0),
            AdminAction.CANCEL: lambda current: current.cancel(at=at, reason="cancelled by an admin action"),
        }
        if action is AdminAction.RETRY:  # the one action that also brings an archived task back live
            stored = await self._store.revive_task(task, transitions[action](task))
        else:
            stored = await self._store.update_task(task, transitions[action](task))
        self._completions.publish([stored])
        if action is AdminAction.CANCEL:
            await self._history.record([outcome_event(stored, at=at)])
        return stored


def _no_throughput() -> tuple[Throughput, ...]:
    return tuple(Throughput(window, {}) for window in THROUGHPUT_WINDOWS)


def _check_parameters(action: AdminAction, priority: int | None) -> None:
    if action is AdminAction.REPRIORITIZE and priority is None:
        raise InvalidInput("reprioritize needs a priority")
    if action is not AdminAction.REPRIORITIZE and priority is not None:
        raise InvalidInput(f"{action.value} takes no priority")


def _job_query(action: AdminAction, query: TaskQuery) -> TaskQuery:
    """``query`` checked for a bulk action, in the one order jobs page in: created, newest first."""
    for queue in query.queues:
        ensure_valid_queue_name(queue)
    if query.include_archive and action is not AdminAction.RETRY:
        raise InvalidInput(
            f"archived tasks are read-only: {action.value} applies to live tasks (only retry takes "
            "include_archive)",
            action=action.value,
        )
    return replace(query, sort=TaskSort.CREATED, order=SortOrder.DESC)
