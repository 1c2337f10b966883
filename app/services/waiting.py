"""Enqueue-and-wait and results: hold a request until its tasks finish, and serve finished results."""

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from app.clock import Clock
from app.domain.errors import InvalidInput
from app.domain.states import FINISHED_STATES
from app.domain.task import Result, Task
from app.services.arrivals import ArrivalBoard
from app.services.completions import CompletionBoard, TaskKey
from app.services.policies import TaskPolicies
from app.storage.port import TaskStore

ClientGone = Callable[[], Awaitable[bool]]


class ResultStatus(StrEnum):
    PENDING = "pending"
    READY = "ready"
    EXPIRED = "expired"


@dataclass(frozen=True)
class TaskResult:
    status: ResultStatus
    task: Task
    result: Result | None
    expires_at: datetime | None


class WaitService:
    def __init__(
        self,
        store: TaskStore,
        *,
        policies: TaskPolicies,
        clock: Clock,
        completions: CompletionBoard,
        arrivals: ArrivalBoard,
    ) -> None:
        self._store = store
        self._policies = policies
        self._clock = clock
        self._completions = completions
        self._closing = arrivals.closing

    def validate_wait(self, wait: timedelta) -> None:
        if not timedelta(0) <= wait <= self._policies.limits.max_wait:
            raise InvalidInput(
                f"wait must be between 0s and {self._policies.limits.max_wait.total_seconds():g}s"
            )

    async def until_finished(
        self, tasks: Sequence[Task], *, wait: timedelta, client_gone: ClientGone | None = None
    ) -> list[Task]:
        """The latest state of each task once all are finished, or when ``wait`` runs out."""
        latest = {(task.queue, task.id): task for task in tasks}
        deadline = self._clock.monotonic() + wait.total_seconds()
        recheck = self._policies.limits.wait_recheck_interval.total_seconds()
        with self._completions.waiting_for(list(latest)) as finished_here:
            while True:
                pending = [key for key, task in latest.items() if task.state not in FINISHED_STATES]
                remaining = deadline - self._clock.monotonic()
                if not pending or remaining <= 0 or self._closing.is_set():
                    return list(latest.values())
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(min(remaining, recheck)):
                        await finished_here.wait()
                finished_here.clear()
                if client_gone is not None and await client_gone():
                    return list(latest.values())
                await self._refresh(latest, pending)

    async def _refresh(self, latest: dict[TaskKey, Task], pending: list[TaskKey]) -> None:
        for queue, task_id in pending:
            latest[(queue, task_id)] = await self._store.get_task(queue, task_id)

    async def result(self, queue: str, task_id: str) -> TaskResult:
        task = await self._store.get_task(queue, task_id)
        claim = task.last_claimed
        if task.state not in FINISHED_STATES:
            return TaskResult(ResultStatus.PENDING, task, None, None)
        result = claim.result if claim else None
        finished_at = result.at if result else task.metadata.modified_at
        expires_at = finished_at + self._policies.defaults.result_ttl
        status = ResultStatus.READY if self._clock.now_utc() < expires_at else ResultStatus.EXPIRED
        return TaskResult(status, task, result, expires_at)
