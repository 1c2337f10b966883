"""Optional Prometheus metrics: pass ``metrics_registry=`` to ``Worker`` (needs ``prometheus-client``,
the ``tasques-worker[metrics]`` extra). Without a registry every recording is a no-op."""

from typing import Any


class WorkerMetrics:
    """Counts nothing; ``PrometheusWorkerMetrics`` records into a registry."""

    def tasks_claimed(self, queue: str, kind: str, count: int = 1) -> None:
        pass

    def task_ended(self, kind: str, outcome: str) -> None:
        pass

    def handler_finished(self, kind: str, seconds: float) -> None:
        pass

    def heartbeat_failed(self) -> None:
        pass

    def set_in_flight(self, count: int) -> None:
        pass


class PrometheusWorkerMetrics(WorkerMetrics):
    """``tasques_worker_claimed_tasks_total{queue,kind}``, ``tasques_worker_ended_tasks_total{kind,outcome}``
    (outcome: done, failed, cancelled, given_up, handed_back, lease_lost), ``tasques_worker_handler_seconds
    {kind}``, ``tasques_worker_heartbeat_failures_total`` and ``tasques_worker_in_flight_tasks``."""

    def __init__(self, registry: Any) -> None:
        from prometheus_client import Counter, Gauge, Histogram

        self._claimed = Counter(
            "tasques_worker_claimed_tasks", "Tasks claimed", ["queue", "kind"], registry=registry
        )
        self._ended = Counter(
            "tasques_worker_ended_tasks", "Tasks ended by the worker", ["kind", "outcome"], registry=registry
        )
        self._handler_seconds = Histogram(
            "tasques_worker_handler_seconds", "Handler run time", ["kind"], registry=registry
        )
        self._heartbeat_failures = Counter(
            "tasques_worker_heartbeat_failures", "Heartbeats that got no answer", registry=registry
        )
        self._in_flight = Gauge("tasques_worker_in_flight_tasks", "Tasks being handled", registry=registry)

    def tasks_claimed(self, queue: str, kind: str, count: int = 1) -> None:
        self._claimed.labels(queue, kind).inc(count)

    def task_ended(self, kind: str, outcome: str) -> None:
        self._ended.labels(kind, outcome).inc()

    def handler_finished(self, kind: str, seconds: float) -> None:
        self._handler_seconds.labels(kind).observe(seconds)

    def heartbeat_failed(self) -> None:
        self._heartbeat_failures.inc()

    def set_in_flight(self, count: int) -> None:
        self._in_flight.set(count)
