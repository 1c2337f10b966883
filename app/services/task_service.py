"""The worker protocol: enqueue, get, report, done, failed, unclaim, cancel. Claiming lives in ``claims``,
waiting for results in ``waiting``."""

import functools
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TypeVar

from opentelemetry import propagate

from app.clock import Clock
from app.domain.aggregations import (
    MAX_MINUTE_BUCKETS,
    AggregationName,
    AggregationRequest,
    MinuteWindow,
    TaskAggregations,
)
from app.domain.errors import InvalidInput, TaskAlreadyExists
from app.domain.history import TaskEvent, TaskEventKind, task_event
from app.domain.queries import TaskPage, TaskQuery, TimeField
from app.domain.queue_names import ensure_valid_queue_name
from app.domain.task import Claimant, JsonObject, Task
from app.services.activity import NoActivity, TaskActivity
from app.services.arrivals import ArrivalBoard
from app.services.completions import CompletionBoard
from app.services.conflict_retry import retry_on_conflict
from app.services.flow_control import FlowControl
from app.services.history import HistoryRecorder, outcome_event
from app.services.new_task import NewTask
from app.services.paused_queues import NeverPaused, PausedQueues
from app.services.policies import TaskPolicies
from app.services.queue_census import QueueCensus
from app.storage.port import CreateResult, TaskChange, TaskStore

_Result = TypeVar("_Result")
Transition = Callable[[Task, datetime], Task]
DEFAULT_FINISHED_WINDOW = timedelta(hours=1)
"""How far back ``finished_per_minute`` starts when the query has no created_after."""
EventsFor = Callable[[Task, datetime], list[TaskEvent]]


@dataclass(frozen=True)
class TaskServiceDependencies:
    store: TaskStore
    policies: TaskPolicies
    clock: Clock
    arrivals: ArrivalBoard
    random: random.Random
    history: HistoryRecorder
    completions: CompletionBoard = field(default_factory=CompletionBoard)
    activity: TaskActivity = field(default_factory=NoActivity)
    paused: PausedQueues | NeverPaused = field(default_factory=NeverPaused)


class TaskService:
    def __init__(self, dependencies: TaskServiceDependencies) -> None:
        self._store = dependencies.store
        self._policies = dependencies.policies
        self._clock = dependencies.clock
        self._arrivals = dependencies.arrivals
        self._random = dependencies.random
        self._history = dependencies.history
        self._completions = dependencies.completions
        self._activity = dependencies.activity
        # Frees a task's concurrency slots as soon as a change here takes it out of CLAIMED.
        self._flow = FlowControl(dependencies.policies.flow_control, store=self._store, clock=self._clock)
        self._census = QueueCensus(self._store, max_queues=dependencies.policies.limits.max_queues)

    @property
    def policies(self) -> TaskPolicies:
        return self._policies

    async def create_task(self, new_task: NewTask) -> Task:
        (result,) = await self._create([new_task.to_task(self._policies, at=self._clock.now_utc())])
        if isinstance(result, TaskAlreadyExists):
            raise result
        return result

    async def create_tasks(self, new_tasks: Sequence[NewTask]) -> list[CreateResult]:
        """Validate every item first so a bad batch stores nothing; then create in one store call."""
        if not new_tasks:
            raise InvalidInput("A batch needs at least one task")
        if len(new_tasks) > self._policies.limits.max_batch_size:
            raise InvalidInput(f"A batch holds at most {self._policies.limits.max_batch_size} tasks")
        at = self._clock.now_utc()
        tasks = [_validated(index, new_task, self._policies, at) for index, new_task in enumerate(new_tasks)]
        duplicated = _duplicate_keys(tasks)
        if duplicated:
            raise InvalidInput(f"The batch names the same task twice: {duplicated}")
        return await self._create(tasks)

    async def _create(self, tasks: Sequence[Task]) -> list[CreateResult]:
        await self._census.admit(task.queue for task in tasks)
        trace_context = _current_trace_context()
        if trace_context:
            tasks = [
                task if task.trace_context else task.model_copy(update={"trace_context": trace_context})
                for task in tasks
            ]
        results = await self._store.create_tasks(tasks)
        created = [result for result in results if isinstance(result, Task)]
        self._arrivals.publish(created)
        self._activity.enqueued(created)
        return results

    async def search(self, query: TaskQuery, *, limit: int, cursor: str | None) -> TaskPage:
        for queue in query.queues:
            ensure_valid_queue_name(queue)
        if not 1 <= limit <= self._policies.limits.max_page_size:
            raise InvalidInput(f"limit must be between 1 and {self._policies.limits.max_page_size}")
        return await self._store.search_tasks(query, limit=limit, cursor=cursor)

    async def aggregate(self, query: TaskQuery, names: frozenset[AggregationName]) -> TaskAggregations:
        """Aggregations over what ``search`` lists for ``query``. ``finished_per_minute`` covers the
        query's created_after..created_before, each end defaulting to now (after: an hour before now),
        widened to whole minutes; more than ``MAX_MINUTE_BUCKETS`` minutes is refused."""
        for queue in query.queues:
            ensure_valid_queue_name(queue)
        now = self._clock.now_utc()
        created = query.time_range(TimeField.CREATED)
        window = MinuteWindow.covering(created.after or now - DEFAULT_FINISHED_WINDOW, created.before or now)
        if AggregationName.FINISHED_PER_MINUTE in names and window.minutes > MAX_MINUTE_BUCKETS:
            raise InvalidInput(
                f"finished_per_minute answers at most {MAX_MINUTE_BUCKETS} one-minute buckets, and "
                f"created_after..created_before spans {window.minutes} minutes: narrow the range",
                aggregation=AggregationName.FINISHED_PER_MINUTE.value,
                minutes=window.minutes,
                max_buckets=MAX_MINUTE_BUCKETS,
            )
        return await self._store.aggregate_tasks(query, AggregationRequest(names=names, window=window))

    async def get_task(self, queue: str, task_id: str) -> Task:
        return await self._store.get_task(ensure_valid_queue_name(queue), task_id)

    async def report_in(
        self,
        queue: str,
        task_id: str,
        claimant: Claimant,
        data: JsonObject | None,
        checkpoint: JsonObject | None = None,
    ) -> Task:
        every = self._policies.limits.report_history_interval

        def report(task: Task, at: datetime) -> Task:
            return task.report_in(claimant, at=at, data=data, checkpoint=checkpoint, record_every=every)

        def sampled(task: Task, at: datetime) -> list[TaskEvent]:
            recorded = task.last_claimed is not None and task.last_claimed.report_recorded_at == at
            return [task_event(task, TaskEventKind.REPORTED, at=at, data=data)] if recorded else []

        return await self._change(queue, task_id, report, sampled)

    async def mark_done(self, queue: str, task_id: str, claimant: Claimant, data: JsonObject | None) -> Task:
        return await self._change(
            queue,
            task_id,
            lambda task, at: task.mark_done(claimant, at=at, data=data),
            lambda task, at: [outcome_event(task, at=at, data=data)],
        )

    async def mark_failed(
        self, queue: str, task_id: str, claimant: Claimant, data: JsonObject | None
    ) -> Task:
        def fail(task: Task, at: datetime) -> Task:
            backoff = task.backoff or self._policies.backoff_for(task.queue)
            return task.mark_failed(claimant, at=at, data=data, backoff=backoff, jitter=self._random.random())

        return await self._change(
            queue, task_id, fail, lambda task, at: [outcome_event(task, at=at, error=data)]
        )

    async def mark_cancelled(
        self, queue: str, task_id: str, claimant: Claimant, data: JsonObject | None
    ) -> Task:
        return await self._change(
            queue,
            task_id,
            lambda task, at: task.mark_cancelled(claimant, at=at, data=data),
            lambda task, at: [outcome_event(task, at=at, data=data)],
        )

    async def unclaim(self, queue: str, task_id: str, claimant: Claimant) -> Task:
        task = await self._change(
            queue,
            task_id,
            lambda task, at: task.unclaim(claimant, at=at),
            lambda task, at: [outcome_event(task, at=at)],
        )
        self._arrivals.publish([task])
        return task

    async def cancel(self, queue: str, task_id: str, reason: str | None) -> Task:
        """Queued tasks end at once; claimed ones are flagged and their worker learns it on its next report."""
        reason_data = {"reason": reason} if reason else None
        return await self._change(
            queue,
            task_id,
            lambda task, at: task.cancel(at=at, reason=reason),
            lambda task, at: [outcome_event(task, at=at, data=reason_data)],
        )

    async def _change(self, queue: str, task_id: str, transition: Transition, events_for: EventsFor) -> Task:
        """Read, transition, compare-and-swap (one store call); a lost race re-reads and re-validates."""
        ensure_valid_queue_name(queue)

        async def change_once() -> TaskChange:
            at = self._clock.now_utc()
            return await self._store.change_task(
                queue, task_id, functools.partial(_at, transition, at), functools.partial(_at, events_for, at)
            )

        changed = await retry_on_conflict(
            change_once,
            retry_times=self._policies.limits.version_conflict_retry_times,
            on_conflict=lambda _conflict: self._activity.conflicted(1),
        )
        await self._flow.released(changed.before, changed.after)
        self._completions.publish([changed.after])
        self._history.counted(changed.events)
        return changed.after


def _at(step: Callable[[Task, datetime], _Result], at: datetime, task: Task) -> _Result:
    return step(task, at)


def _current_trace_context() -> dict[str, str]:
    """The caller's W3C trace context (traceparent/tracestate), stored on new tasks for their workers."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def _validated(index: int, new_task: NewTask, policies: TaskPolicies, at: datetime) -> Task:
    try:
        return new_task.to_task(policies, at=at)
    except InvalidInput as error:
        raise InvalidInput(f"tasks[{index}]: {error.message}", index=index, **error.details) from error


def _duplicate_keys(tasks: Sequence[Task]) -> list[str]:
    seen: set[tuple[str, str]] = set()
    duplicated: list[str] = []
    for task in tasks:
        key = (task.queue, task.id)
        if key in seen:
            duplicated.append(f"{task.queue}/{task.id}")
        seen.add(key)
    return duplicated
