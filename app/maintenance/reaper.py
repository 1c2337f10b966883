"""Timeout reaper: CLAIMED tasks past ``times_out_at`` fail (re-queued with backoff, or DEAD).

Each reap is a compare-and-swap on the version the search returned, so a heartbeat that lands first
wins (the reap conflicts and is dropped) and a heartbeat that lands second is refused by its now stale
lease token. The timed-out worker's later writes carry a superseded token and get 409.
"""

import random
from datetime import datetime, timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field

from app.clock import Clock
from app.domain.durations import GoDuration
from app.domain.history import TaskEventKind, task_event
from app.domain.task import TIMED_OUT_FAILURE, Task
from app.maintenance.periodic import PassResult
from app.services.completions import CompletionBoard
from app.services.history import HistoryRecorder
from app.services.policies import TaskPolicies
from app.storage.port import MaintenanceStore, TaskStore


class ReaperSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    interval: GoDuration = timedelta(seconds=5)
    batch_size: int = Field(default=500, ge=1, le=10_000)


class ReaperStore(TaskStore, MaintenanceStore, Protocol):
    """The reaper reads timed-out tasks and writes them back."""


class TimeoutReaper:
    name = "timeout-reaper"

    def __init__(
        self,
        store: ReaperStore,
        *,
        settings: ReaperSettings,
        policies: TaskPolicies,
        clock: Clock,
        rng: random.Random,
        history: HistoryRecorder,
        completions: CompletionBoard,
    ) -> None:
        self._history = history
        self._completions = completions
        self._store = store
        self._settings = settings
        self._policies = policies
        self._clock = clock
        self._rng = rng
        self.interval = settings.interval

    async def run_once(self) -> PassResult:
        at = self._clock.now_utc()
        expired = await self._store.find_timed_out(at=at, limit=self._settings.batch_size)
        changes = [(task, self._timed_out(task, at)) for task in expired if task.last_claimed]
        results = await self._store.update_tasks(changes) if changes else []
        reaped = [result for result in results if isinstance(result, Task)]
        self._completions.publish(reaped)
        await self._history.record(
            [task_event(task, TaskEventKind.TIMED_OUT, at=at, error=TIMED_OUT_FAILURE) for task in reaped]
        )
        dead = sum(1 for task in reaped if task.remaining_attempts == 0)
        return PassResult(
            work_done=len(reaped),
            summary=f"timed out {len(reaped)} tasks ({dead} now dead); {len(results) - len(reaped)} changed first",
        )

    def _timed_out(self, task: Task, at: datetime) -> Task:
        backoff = task.backoff or self._policies.backoff_for(task.queue)
        return task.time_out(at=at, backoff=backoff, jitter=self._rng.random())
