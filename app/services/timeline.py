"""A queue's (or every queue's) recent history, minute by minute, for the dashboard's charts.

Finished tasks per minute by outcome come from the tasks themselves (the ``finished_per_minute``
aggregation over live and archived tasks, so every minute is exact whenever it is asked); the backlog
and the claim delays come from the stored per-minute samples (``app.services.queue_sampling``), which
exist only for minutes a leader sampled. The window ends with the current, partial minute.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.clock import Clock
from app.domain.aggregations import (
    MAX_MINUTE_BUCKETS,
    MINUTE,
    AggregationName,
    AggregationRequest,
    MinuteWindow,
    TaskAggregations,
    floor_minute,
)
from app.domain.errors import InvalidInput
from app.domain.queries import TaskQuery
from app.domain.queue_names import ensure_valid_queue_name
from app.domain.queue_samples import ALL_QUEUES, QueueSample
from app.domain.states import TaskState
from app.storage.port import QueueSampleStore

DEFAULT_MINUTES = 60


class TimelineStore(QueueSampleStore, Protocol):
    async def aggregate_tasks(self, query: TaskQuery, request: AggregationRequest) -> TaskAggregations: ...


@dataclass(frozen=True, slots=True)
class TimelineMinute:
    start: datetime
    finished: dict[TaskState, int]
    sample: QueueSample | None


@dataclass(frozen=True, slots=True)
class Timeline:
    queue: str | None
    """None: every queue."""
    minutes: list[TimelineMinute]


class TimelineService:
    def __init__(self, store: TimelineStore, *, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def timeline(self, *, queue: str | None, minutes: int = DEFAULT_MINUTES) -> Timeline:
        """The last ``minutes`` whole minutes and the current one, oldest first."""
        if queue is not None:
            ensure_valid_queue_name(queue)
        if not 1 <= minutes <= MAX_MINUTE_BUCKETS - 1:
            raise InvalidInput(f"minutes must be between 1 and {MAX_MINUTE_BUCKETS - 1}", field="minutes")
        now = self._clock.now_utc()
        current = floor_minute(now)
        window = MinuteWindow(current - minutes * MINUTE, current + MINUTE)
        query = TaskQuery(queues=(queue,) if queue is not None else (), include_archive=True)
        request = AggregationRequest(names=frozenset({AggregationName.FINISHED_PER_MINUTE}), window=window)
        found = await self._store.aggregate_tasks(query, request)
        samples = await self._store.list_queue_samples(
            queue=ALL_QUEUES if queue is None else queue, since=window.start, until=window.end
        )
        by_minute = {sample.minute: sample for sample in samples}
        return Timeline(
            queue,
            [
                TimelineMinute(bucket.start, bucket.counts, by_minute.get(bucket.start))
                for bucket in found.finished_per_minute or []
            ],
        )
