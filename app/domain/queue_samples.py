"""Per-minute samples of each queue's backlog and claim delays: the dashboard's charts over time.

What a task store can answer about the past is limited to what the tasks still say: when a finished task
finished (``finished_per_minute``), when the current claim began. How many tasks were queued ten minutes
ago, or how old the head of the backlog was, is gone once they are claimed. So the leader writes one
``QueueSample`` per queue (and one for all queues together, under ``ALL_QUEUES``) for the current minute,
every sampling pass; a later pass in the same minute replaces it (the key is queue and minute), so a
minute holds the last picture taken in it, a leader failover or a repeated pass writes nothing twice, and
the samples survive a restart because they live in the store like everything else. Samples older than
the retention are pruned by the same leader service.

Both backends store the same document (``app.storage.queue_sample_documents``).
"""

from dataclasses import dataclass
from datetime import datetime

ALL_QUEUES = ""
"""The key of the all-queues sample: no queue is named by the empty string."""


@dataclass(frozen=True, slots=True, kw_only=True)
class DelayPercentiles:
    """Seconds; p50 and p95 of the delays of the claims counted (nearest-rank)."""

    p50: float
    p95: float


@dataclass(frozen=True, slots=True, kw_only=True)
class QueueSample:
    queue: str
    """A queue name, or ``ALL_QUEUES``."""
    minute: datetime
    """The start of the minute (UTC) the sample stands for."""
    sampled_at: datetime
    queued: int
    """Tasks QUEUED when sampled, due or not."""
    oldest_queued_age_seconds: float | None
    """How long the earliest-due queued task has been due (0 when none is due yet); None when none queued."""
    claims: int
    """Claims that began in the minute before ``sampled_at`` (counted from the tasks' current claims)."""
    claim_latency: DelayPercentiles | None
    """From a claimed task's (re-)enqueue to its claim; None without claims."""
    schedule_to_start: DelayPercentiles | None
    """From a claimed task's ``run_at`` to its claim; None without claims."""
