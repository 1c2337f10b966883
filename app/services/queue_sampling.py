"""Taking the per-minute queue samples the dashboard charts (``app.domain.queue_samples``).

A sample is read from the store, not from this process's memory, so it is the same whichever server
takes it and a new leader carries on where the old one stopped:

- the backlog from ``queue_stats`` (QUEUED count, earliest ``run_at`` among them);
- the delays of the claims that began in the minute before the sample, from the tasks' current claims
  (``claimed_after``): claim latency from ``last_enqueued_at`` (enqueue, or re-queue after a failure) to
  the claim, schedule-to-start from ``run_at`` to the claim (the Prometheus histogram's definition).
  A task claimed twice in that minute counts once, by its latest claim. Past ``max_claims`` claims the
  percentiles come from the newest ``max_claims`` tasks only, which keeps a pass bounded.

The claim-latency Prometheus histogram (``tasques_claim_request_seconds``) measures something else, the
claim request's duration on one server; that is per process and not kept, so it is not charted here.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Protocol

from app.clock import Clock
from app.domain.aggregations import MINUTE, floor_minute
from app.domain.queries import QueueStats, TaskPage, TaskQuery, TimeField, TimeRange
from app.domain.queue_samples import ALL_QUEUES, DelayPercentiles, QueueSample
from app.domain.states import TaskState
from app.domain.task import Task
from app.storage.port import QueueSampleStore

CLAIM_PAGE_SIZE = 500


class SamplingStore(QueueSampleStore, Protocol):
    async def queue_stats(self) -> list[QueueStats]: ...

    async def search_tasks(self, query: TaskQuery, *, limit: int, cursor: str | None) -> TaskPage: ...


def nearest_rank(ordered: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of non-empty, ascending ``ordered``."""
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def percentiles(delays: Iterable[float]) -> DelayPercentiles | None:
    ordered = sorted(delays)
    if not ordered:
        return None
    return DelayPercentiles(p50=nearest_rank(ordered, 0.5), p95=nearest_rank(ordered, 0.95))


class QueueSampler:
    def __init__(self, store: SamplingStore, *, clock: Clock, max_claims: int) -> None:
        self._store = store
        self._clock = clock
        self._max_claims = max_claims

    async def sample(self) -> list[QueueSample]:
        """Takes and stores one sample per queue, plus the all-queues one, for the current minute."""
        now = self._clock.now_utc()
        stats = await self._store.queue_stats()
        claims = await self._recent_claims(now)
        by_queue: dict[str, list[Task]] = defaultdict(list)
        for task in claims:
            by_queue[task.queue].append(task)
        backlog = {entry.queue: entry for entry in stats}
        samples = [
            _sample(name, now, [backlog[name]] if name in backlog else [], by_queue.get(name, []))
            for name in sorted(backlog.keys() | by_queue.keys())
        ]
        samples.append(_sample(ALL_QUEUES, now, stats, claims))
        await self._store.put_queue_samples(samples)
        return samples

    async def _recent_claims(self, now: datetime) -> list[Task]:
        # No upper bound: a claim at this very instant (or stamped by a server whose clock runs ahead) counts.
        query = TaskQuery(time_ranges=(TimeRange(TimeField.CLAIMED, after=now - MINUTE),))
        found: list[Task] = []
        cursor: str | None = None
        while len(found) < self._max_claims:
            limit = min(CLAIM_PAGE_SIZE, self._max_claims - len(found))
            page = await self._store.search_tasks(query, limit=limit, cursor=cursor)
            found += page.tasks
            cursor = page.next_cursor
            if cursor is None:
                break
        return found


def _sample(queue: str, now: datetime, stats: Sequence[QueueStats], claims: Sequence[Task]) -> QueueSample:
    oldest = min((entry.oldest_queued_run_at for entry in stats if entry.oldest_queued_run_at), default=None)
    claimed = [(task.last_claimed.claimed_at, task) for task in claims if task.last_claimed is not None]
    return QueueSample(
        queue=queue,
        minute=floor_minute(now),
        sampled_at=now,
        queued=sum(entry.counts.get(TaskState.QUEUED, 0) for entry in stats),
        oldest_queued_age_seconds=None if oldest is None else _seconds(now - oldest),
        claims=len(claimed),
        claim_latency=percentiles(_seconds(at - task.last_enqueued_at) for at, task in claimed),
        schedule_to_start=percentiles(_seconds(at - task.run_at) for at, task in claimed),
    )


def _seconds(span: timedelta) -> float:
    return max(span.total_seconds(), 0.0)
