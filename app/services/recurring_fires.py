"""Turning due schedule fires into tasks, under each definition's overlap and catch-up policy.

Every fire's task id is ``<recurring id>@<fire instant>`` and creation is create-only, so a fire that
was already enqueued (by this pass before a crash, or by a previous leader) comes back as a conflict
and is counted as a duplicate, never as a second task. ``last_fire_at`` is advanced by
compare-and-swap after the fires are handled; a pass that dies in between only repeats harmless
creates.
"""

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import Protocol

from app.domain.errors import TaskAlreadyExists, TasquesError, VersionConflict
from app.domain.recurring import OverlapPolicy, RecurringTask
from app.domain.schedules import Schedule
from app.domain.task import Task
from app.services.history import HistoryRecorder, outcome_event
from app.services.new_task import NewTask
from app.services.policies import TaskPolicies
from app.storage.port import MaintenanceStore, RecurringStore, TaskStore

_log = logging.getLogger(__name__)


class SchedulerStore(TaskStore, MaintenanceStore, RecurringStore, Protocol):
    """What firing needs: definitions, outstanding counts and task creation."""


@dataclass
class FireReport:
    enqueued: int = 0
    duplicates: int = 0
    skipped: int = 0
    buffered: int = 0
    missed: int = 0
    paused: int = 0
    """Fires that fell while their definition was paused."""
    cancelled: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def work_done(self) -> int:
        return self.enqueued + self.skipped + self.buffered + self.missed + self.paused + self.cancelled


def fire_run_at(recurring: RecurringTask, fire_at: datetime) -> datetime:
    """The fire instant plus a jitter that is the same on every server and every retry."""
    if not recurring.jitter:
        return fire_at
    digest = hashlib.sha256(recurring.fire_task_id(fire_at).encode()).digest()
    return fire_at + recurring.jitter * (int.from_bytes(digest[:8], "big") / 2**64)


def fire_task(recurring: RecurringTask, fire_at: datetime) -> NewTask:
    definition = recurring.task_definition
    return NewTask(
        queue=definition.queue,
        kind=definition.kind,
        id=recurring.fire_task_id(fire_at),
        retry_times=definition.retry_times,
        priority=definition.priority,
        processing_timeout=definition.processing_timeout,
        run_at=fire_run_at(recurring, fire_at),
        args=definition.args,
        context=definition.context,
        backoff=definition.backoff,
        recurring_task_id=recurring.id,
    )


class RecurringFires:
    def __init__(
        self,
        store: SchedulerStore,
        *,
        policies: TaskPolicies,
        max_fires_per_pass: int,
        history: HistoryRecorder,
    ) -> None:
        self._store = store
        self._policies = policies
        self._max_fires = max_fires_per_pass
        self._history = history

    async def fire_due(self, *, at: datetime) -> FireReport:
        report = FireReport()
        for recurring in await self._store.list_recurring():
            if recurring.paused:
                continue
            try:
                await self._fire_definition(recurring, at, report)
            except VersionConflict:
                # Edited meanwhile: the next pass re-reads it; fires already created stay deduplicated.
                continue
            except TasquesError as error:
                report.errors.append(f"{recurring.id}: {error.message}")
            except Exception as error:  # one broken definition must never stop the others firing
                _log.exception("recurring task %s failed in a scheduler pass", recurring.id)
                report.errors.append(f"{recurring.id}: {type(error).__name__}: {error}")
        return report

    async def enqueue_fires(
        self, recurring: RecurringTask, fires: Sequence[datetime], *, at: datetime
    ) -> FireReport:
        """Create one task per fire (used by backfill, which ignores the overlap policy)."""
        report = FireReport()
        tasks = [fire_task(recurring, fire).to_task(self._policies, at=at) for fire in fires]
        for result in await self._store.create_tasks(tasks) if tasks else []:
            if isinstance(result, TaskAlreadyExists):
                report.duplicates += 1
            else:
                report.enqueued += 1
        return report

    async def _fire_definition(self, recurring: RecurringTask, at: datetime, report: FireReport) -> None:
        schedule = Schedule.parse(recurring.schedule_expression, recurring.timezone)
        handled = recurring.watermark
        window_start = at - recurring.catchup_window
        if handled < window_start:
            report.missed += len(self._fires_between(schedule, recurring, handled, window_start))
            handled = window_start
        fires = self._fires_between(schedule, recurring, handled, at)
        buffered = await self._release_buffered(recurring, at, report)
        for fire in fires:
            if recurring.skips_fire(fire):
                report.paused += 1
                continue
            buffered = await self._fire(recurring, fire, buffered, at=at, report=report)
        handled_through = fires[-1] if fires else handled
        # Before its first fire a definition's watermark is its creation time; no need to store that.
        unchanged = handled_through == recurring.watermark
        if not unchanged or buffered != recurring.buffered_fire_at:
            updated = recurring.handled_through(handled_through, at=at, buffered=buffered)
            await self._store.update_recurring(recurring, updated)

    def _fires_between(
        self, schedule: Schedule, recurring: RecurringTask, after: datetime, until: datetime
    ) -> list[datetime]:
        return list(
            islice(schedule.fire_times(after=after, until=until, anchor=recurring.anchor), self._max_fires)
        )

    async def _release_buffered(
        self, recurring: RecurringTask, at: datetime, report: FireReport
    ) -> datetime | None:
        buffered = recurring.buffered_fire_at
        if buffered is None or await self._outstanding(recurring):
            return buffered
        self._count(report, await self.enqueue_fires(recurring, [buffered], at=at))
        return None

    async def _fire(
        self,
        recurring: RecurringTask,
        fire: datetime,
        buffered: datetime | None,
        *,
        at: datetime,
        report: FireReport,
    ) -> datetime | None:
        policy = recurring.overlap_policy
        if policy is not OverlapPolicy.ALLOW_ALL and await self._outstanding(recurring):
            if policy is OverlapPolicy.SKIP:
                report.skipped += 1
                return buffered
            if policy is OverlapPolicy.BUFFER_ONE:
                report.buffered += buffered is None
                report.skipped += buffered is not None
                return buffered or fire
            if policy is OverlapPolicy.CANCEL_OTHER:
                report.cancelled += await self._cancel_outstanding(recurring, fire, at=at)
        self._count(report, await self.enqueue_fires(recurring, [fire], at=at))
        return buffered

    async def _cancel_outstanding(self, recurring: RecurringTask, fire: datetime, *, at: datetime) -> int:
        """Queued ones end now, running ones are asked to stop; a task that changed meanwhile is skipped."""
        reason = f"superseded by the fire at {fire.isoformat()}"
        outstanding = await self._store.find_outstanding(
            queue=recurring.task_definition.queue, recurring_task_id=recurring.id, limit=self._max_fires
        )
        changes = [(task, task.cancel(at=at, reason=reason)) for task in outstanding]
        results = await self._store.update_tasks(changes) if changes else []
        cancelled = [result for result in results if isinstance(result, Task)]
        await self._history.record(
            [outcome_event(task, at=at, data={"reason": reason}) for task in cancelled]
        )
        return len(cancelled)

    async def _outstanding(self, recurring: RecurringTask) -> bool:
        count = await self._store.count_outstanding(
            queue=recurring.task_definition.queue, recurring_task_id=recurring.id
        )
        return count > 0

    @staticmethod
    def _count(report: FireReport, fired: FireReport) -> None:
        report.enqueued += fired.enqueued
        report.duplicates += fired.duplicates
