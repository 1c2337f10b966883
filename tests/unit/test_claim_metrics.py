"""Claim metrics: one batch of claimed tasks from several queues lands in each queue's own series."""

from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry

from app.domain.task import Task
from app.observability.metrics import TasquesMetrics
from app.services.new_task import NewTask
from app.services.policies import TaskPolicies

_DUE = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)


def _claimed(queue: str, *, waited: timedelta) -> Task:
    task = NewTask(queue=queue, kind="k", run_at=_DUE).to_task(TaskPolicies(), at=_DUE)
    return task.claim(worker_id="w", at=_DUE + waited, lease_token="t" * 32)


def test_a_batch_from_two_queues_counts_and_times_each_queue_apart() -> None:
    registry = CollectorRegistry()
    metrics = TasquesMetrics(registry)
    metrics.claimed(
        [
            _claimed("a", waited=timedelta(seconds=1)),
            _claimed("b", waited=timedelta(seconds=4)),
            _claimed("a", waited=timedelta(seconds=2)),
        ],
        request_seconds=0.5,
    )

    def sample(name: str, queue: str) -> float | None:
        return registry.get_sample_value(name, {"queue": queue})

    assert sample("tasques_tasks_claimed_total", "a") == 2
    assert sample("tasques_tasks_claimed_total", "b") == 1
    assert sample("tasques_schedule_to_start_seconds_count", "a") == 2
    assert sample("tasques_schedule_to_start_seconds_sum", "a") == 3.0
    assert sample("tasques_schedule_to_start_seconds_count", "b") == 1
    assert sample("tasques_schedule_to_start_seconds_sum", "b") == 4.0
    assert registry.get_sample_value("tasques_claim_request_seconds_count") == 1
