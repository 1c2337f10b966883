"""The queue census re-reads the store's queues only for unknown names, at most once per interval."""

from datetime import timedelta

import pytest

from app.domain.errors import InvalidInput
from app.domain.queries import QueueStats
from app.domain.states import TaskState
from app.services.queue_census import QueueCensus


class CountingQueues:
    def __init__(self, *queues: str) -> None:
        self.queues = list(queues)
        self.reads = 0

    async def queue_stats(self) -> list[QueueStats]:
        self.reads += 1
        return [
            QueueStats(queue=queue, counts={TaskState.QUEUED: 1}, oldest_queued_run_at=None)
            for queue in self.queues
        ]


class Clock:
    now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_known_queues_pass_without_a_read_and_new_ones_count_against_the_bound() -> None:
    store = CountingQueues("a", "b")
    clock = Clock()
    census = QueueCensus(store, max_queues=3, refresh_interval=timedelta(seconds=10), monotonic=clock)

    await census.admit(["a"])
    await census.admit(["c"])  # a, b and c: at the bound
    await census.admit(["a", "b", "c"])
    with pytest.raises(InvalidInput, match="at most 3 queues"):
        await census.admit(["d"])

    assert store.reads == 1


async def test_an_unknown_queue_rereads_the_store_once_the_interval_passed() -> None:
    store = CountingQueues("a")
    clock = Clock()
    census = QueueCensus(store, max_queues=2, refresh_interval=timedelta(seconds=10), monotonic=clock)
    await census.admit(["a"])
    store.queues.append("b")  # created through another server
    clock.now = 11.0
    with pytest.raises(InvalidInput):
        await census.admit(["c"])
    assert store.reads == 2
