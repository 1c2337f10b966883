"""Prometheus metrics: counters fed by the services' activity reports, gauges read from the store on
each scrape (tasks per queue and state, age of the oldest due task)."""

import collections
from collections.abc import Sequence
from datetime import datetime

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from app.domain.history import TaskEvent, TaskEventKind
from app.domain.queries import QueueStats
from app.domain.states import TaskState
from app.domain.task import Task
from app.storage.port import Throttled

_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
_OUTCOMES = frozenset(TaskEventKind) - {TaskEventKind.CLAIMED, TaskEventKind.REPORTED}


class TasquesMetrics:
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry
        self.leader = Gauge("tasques_leader", "1 while this server is the leader, else 0", registry=registry)
        self.tasks = Gauge(
            "tasques_tasks", "Live tasks by queue and state", ["queue", "state"], registry=registry
        )
        self.oldest_queued_age = Gauge(
            "tasques_oldest_queued_age_seconds",
            "How long the oldest due queued task has waited",
            ["queue"],
            registry=registry,
        )
        self.enqueued_total = Counter(
            "tasques_tasks_enqueued", "Tasks enqueued", ["queue"], registry=registry
        )
        self.claimed_total = Counter("tasques_tasks_claimed", "Tasks claimed", ["queue"], registry=registry)
        self.outcomes = Counter(
            "tasques_task_outcomes",
            "Attempt outcomes: done, failed, dead, timed_out, unclaimed, cancelled...",
            ["queue", "outcome"],
            registry=registry,
        )
        self.claim_latency = Histogram(
            "tasques_claim_request_seconds",
            "Claim request duration, long-poll included",
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.schedule_to_start = Histogram(
            "tasques_schedule_to_start_seconds",
            "From a task's run_at to its claim",
            ["queue"],
            buckets=_LATENCY_BUCKETS,
            registry=registry,
        )
        self.conflicts = Counter(
            "tasques_version_conflicts", "Lost compare-and-swap races", registry=registry
        )
        # Labelled by queue and by the kind of limit, never by key: keys (tenants, API accounts) are
        # unbounded, and one series per key would be a cardinality leak.
        self.throttled_total = Counter(
            "tasques_claims_throttled",
            "Claimable tasks a claim pass left queued because a queue or key limit was reached",
            ["queue", "scope", "limit"],
            registry=registry,
        )
        self.dead_expired_total = Counter(
            "tasques_dead_tasks_expired",
            "Dead tasks (live or archived) removed by dead-letter retention",
            ["queue"],
            registry=registry,
        )

    # Counters move once per label set of a batch, not once per task, and a histogram's labelled child is
    # looked up once per label set: the lookup and its lock cost about as much as the increment.
    def enqueued(self, tasks: Sequence[Task]) -> None:
        for queue, count in collections.Counter(task.queue for task in tasks).items():
            self.enqueued_total.labels(queue=queue).inc(count)

    def claimed(self, tasks: Sequence[Task], *, request_seconds: float) -> None:
        self.claim_latency.observe(request_seconds)
        for queue, count in collections.Counter(task.queue for task in tasks).items():
            self.claimed_total.labels(queue=queue).inc(count)
        by_queue: dict[str, Histogram] = {}
        for task in tasks:
            if task.last_claimed is not None:
                delay = (task.last_claimed.claimed_at - task.run_at).total_seconds()
                if (histogram := by_queue.get(task.queue)) is None:
                    histogram = by_queue[task.queue] = self.schedule_to_start.labels(queue=task.queue)
                histogram.observe(max(delay, 0.0))

    def recorded(self, events: Sequence[TaskEvent]) -> None:
        outcomes = collections.Counter(
            (event.queue, event.kind.value) for event in events if event.kind in _OUTCOMES
        )
        for (queue, outcome), count in outcomes.items():
            self.outcomes.labels(queue=queue, outcome=outcome).inc(count)

    def conflicted(self, count: int) -> None:
        if count:
            self.conflicts.inc(count)

    def throttled(self, throttled: Sequence[Throttled]) -> None:
        for entry in throttled:
            self.throttled_total.labels(
                queue=entry.queue, scope=entry.scope.value, limit=entry.limit.value
            ).inc(entry.count)

    def dead_tasks_expired(self, queue: str, *, count: int) -> None:
        self.dead_expired_total.labels(queue=queue).inc(count)

    def observe_queues(self, stats: Sequence[QueueStats], *, now: datetime) -> None:
        self.tasks.clear()
        self.oldest_queued_age.clear()
        for entry in stats:
            for state in TaskState:
                self.tasks.labels(queue=entry.queue, state=state.value).set(entry.counts.get(state, 0))
            due = entry.oldest_queued_run_at
            self.oldest_queued_age.labels(queue=entry.queue).set(
                max((now - due).total_seconds(), 0.0) if due is not None else 0.0
            )
