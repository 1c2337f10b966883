"""Recurring definitions: Tasques' create/get/list/update/delete plus pause, resume and backfill.

Definitions are read by the leader's scheduler on every pass, so changes apply without a restart.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from app.clock import Clock
from app.domain.backoff import BackoffPolicy
from app.domain.errors import InvalidInput
from app.domain.ids import ensure_valid_task_id
from app.domain.queue_names import ensure_valid_queue_name
from app.domain.recurring import OverlapPolicy, RecurringTask, TaskDefinition
from app.domain.schedules import Schedule
from app.domain.task import JsonObject, Metadata
from app.services.conflict_retry import retry_on_conflict
from app.services.policies import TaskPolicies
from app.services.recurring_fires import FireReport, RecurringFires, SchedulerStore

MAX_RECURRING_ID_BYTES = 200  # leaves room for "@<fire instant>" inside a 512-byte task id


@dataclass(frozen=True, kw_only=True)
class NewTaskDefinition:
    queue: str
    kind: str
    retry_times: int | None = None
    priority: int = 0
    processing_timeout: timedelta | None = None
    args: JsonObject | None = None
    context: JsonObject | None = None
    backoff: BackoffPolicy | None = None

    def resolve(self, policies: TaskPolicies) -> TaskDefinition:
        ensure_valid_queue_name(self.queue)
        if not self.kind:
            raise InvalidInput("task_definition.kind must not be empty")
        timeout = self.processing_timeout or policies.processing_timeout_for(self.queue)
        if timeout <= timedelta(0):
            raise InvalidInput("task_definition.processing_timeout must be positive")
        return TaskDefinition(
            queue=self.queue,
            kind=self.kind,
            retry_times=policies.retry_times_for(self.queue)
            if self.retry_times is None
            else self.retry_times,
            priority=self.priority,
            processing_timeout=timeout,
            args=self.args,
            context=self.context,
            backoff=self.backoff,
        )


@dataclass(frozen=True, kw_only=True)
class SchedulePolicy:
    """Optional schedule settings; None leaves the current (or default) value."""

    timezone: str | None = None
    overlap_policy: OverlapPolicy | None = None
    catchup_window: timedelta | None = None
    jitter: timedelta | None = None
    paused: bool | None = None

    def changes(self) -> dict[str, object]:
        """The settings to copy onto the definition; ``paused`` goes through pause/resume instead."""
        return {
            name: value for name, value in self.__dict__.items() if value is not None and name != "paused"
        }

    def apply_pause(self, recurring: RecurringTask, *, at: datetime) -> RecurringTask:
        if self.paused is None:
            return recurring
        return recurring.pause(at=at) if self.paused else recurring.resume(at=at)


@dataclass(frozen=True, kw_only=True)
class RecurringChange:
    schedule_expression: str | None = None
    task_definition: NewTaskDefinition | None = None
    policy: SchedulePolicy = SchedulePolicy()


class RecurringService:
    def __init__(
        self, store: SchedulerStore, *, policies: TaskPolicies, clock: Clock, fires: RecurringFires
    ) -> None:
        self._store = store
        self._policies = policies
        self._clock = clock
        self._fires = fires

    async def create(
        self,
        recurring_id: str,
        schedule_expression: str,
        definition: NewTaskDefinition,
        policy: SchedulePolicy,
    ) -> RecurringTask:
        at = self._clock.now_utc()
        recurring = RecurringTask(
            id=_valid_recurring_id(recurring_id),
            schedule_expression=schedule_expression,
            task_definition=definition.resolve(self._policies),
            metadata=Metadata(created_at=at, modified_at=at),
            **policy.changes(),
        )
        return await self._store.create_recurring(_validated(policy.apply_pause(recurring, at=at), at=at))

    async def get(self, recurring_id: str) -> RecurringTask:
        return await self._store.get_recurring(recurring_id)

    async def list(self) -> list[RecurringTask]:
        return await self._store.list_recurring()

    async def update(self, recurring_id: str, change: RecurringChange) -> RecurringTask:
        def apply(current: RecurringTask, at: datetime) -> RecurringTask:
            updates: dict[str, object] = change.policy.changes()
            if change.schedule_expression is not None:
                updates["schedule_expression"] = change.schedule_expression
            if change.task_definition is not None:
                updates["task_definition"] = change.task_definition.resolve(self._policies)
            return _validated(change.policy.apply_pause(current.changed(at=at, **updates), at=at), at=at)

        return await self._change(recurring_id, apply)

    async def pause(self, recurring_id: str) -> RecurringTask:
        """Fires falling while paused will not happen (see ``app.domain.recurring``)."""
        return await self._change(recurring_id, lambda current, at: current.pause(at=at))

    async def resume(self, recurring_id: str, *, catch_up: bool = False) -> RecurringTask:
        """Fire from the next fire on; ``catch_up`` enqueues those missed while paused, within the
        catch-up window."""
        return await self._change(recurring_id, lambda current, at: current.resume(at=at, catch_up=catch_up))

    async def delete(self, recurring_id: str) -> RecurringTask:
        async def delete_once() -> RecurringTask:
            current = await self._store.get_recurring(recurring_id)
            await self._store.delete_recurring(current)
            return current

        return await retry_on_conflict(
            delete_once, retry_times=self._policies.limits.version_conflict_retry_times
        )

    async def backfill(
        self, recurring_id: str, *, start: datetime, end: datetime, max_fires: int
    ) -> FireReport:
        """Enqueue every fire time in [start, end]; fires already enqueued come back as duplicates."""
        if end < start:
            raise InvalidInput("backfill needs start <= end")
        recurring = await self._store.get_recurring(recurring_id)
        schedule = Schedule.parse(recurring.schedule_expression, recurring.timezone)
        fires = []
        try:
            for fire in schedule.fire_times(
                after=start - timedelta(microseconds=1), until=end, anchor=recurring.anchor
            ):
                fires.append(fire)
                if len(fires) > max_fires:
                    raise InvalidInput(f"backfill range holds more than {max_fires} fire times; split it")
        except OverflowError as error:
            raise InvalidInput("backfill range reaches past the supported range of dates") from error
        return await self._fires.enqueue_fires(recurring, fires, at=self._clock.now_utc())

    async def _change(
        self, recurring_id: str, apply: Callable[[RecurringTask, datetime], RecurringTask]
    ) -> RecurringTask:
        async def change_once() -> RecurringTask:
            current = await self._store.get_recurring(recurring_id)
            return await self._store.update_recurring(current, apply(current, self._clock.now_utc()))

        return await retry_on_conflict(
            change_once, retry_times=self._policies.limits.version_conflict_retry_times
        )


def _valid_recurring_id(recurring_id: str) -> str:
    ensure_valid_task_id(recurring_id)
    if len(recurring_id.encode()) > MAX_RECURRING_ID_BYTES or "@" in recurring_id:
        raise InvalidInput(f"Recurring task id must be at most {MAX_RECURRING_ID_BYTES} bytes without '@'")
    return recurring_id


def _validated(recurring: RecurringTask, *, at: datetime) -> RecurringTask:
    Schedule.parse(recurring.schedule_expression, recurring.timezone).ensure_fires(after=at)
    if recurring.catchup_window < timedelta(0) or recurring.jitter < timedelta(0):
        raise InvalidInput("catchup_window and jitter must not be negative")
    return recurring
