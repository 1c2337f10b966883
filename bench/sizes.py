"""Workload sizes: the default run (under 10 minutes on a 2-core machine) and ``--quick`` (under 1)."""

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True, kw_only=True)
class Sizes:
    tasks: int  # end-to-end runs and the raw ceiling
    naive_tasks: int  # the naive baseline is slow by design; its rate needs fewer tasks
    conflict_tasks: int  # the four-server run
    id_order_tasks: int  # the diagnostic comparing random and time-ordered ids (needs a table past the cache)
    workers: int
    claim_amount: int
    enqueue_batch: int
    naive_producers: int
    client_processes: int
    latency_samples: int
    backlog_samples: int
    sqlite_backlogs: tuple[int, ...]
    elasticsearch_backlogs: tuple[int, ...]
    engine_naive_seconds: float  # the naive seed pattern on the engine stops here if not done yet

    def with_overrides(self, **changes: int | None) -> "Sizes":
        chosen: dict[str, Any] = {name: value for name, value in changes.items() if value is not None}
        return replace(self, **chosen)


DEFAULT = Sizes(
    tasks=10_000,
    naive_tasks=2_000,
    conflict_tasks=10_000,
    id_order_tasks=50_000,
    workers=8,
    claim_amount=100,
    enqueue_batch=500,
    naive_producers=4,
    client_processes=2,
    latency_samples=100,
    backlog_samples=100,
    sqlite_backlogs=(1_000, 100_000, 1_000_000),
    elasticsearch_backlogs=(1_000, 100_000),
    engine_naive_seconds=60.0,
)

QUICK = Sizes(
    tasks=1_000,
    naive_tasks=200,
    conflict_tasks=500,
    id_order_tasks=2_000,
    workers=8,
    claim_amount=100,
    enqueue_batch=500,
    naive_producers=4,
    client_processes=2,
    latency_samples=10,
    backlog_samples=10,
    sqlite_backlogs=(1_000, 10_000),
    elasticsearch_backlogs=(1_000, 10_000),
    engine_naive_seconds=10.0,
)
