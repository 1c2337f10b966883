"""Per-minute queue samples on every backend: the store methods, and a sampling pass through
``run_once`` with a frozen clock."""

from datetime import timedelta

import pytest

from app.clock import FrozenClock
from app.domain.queue_samples import ALL_QUEUES, DelayPercentiles, QueueSample
from app.domain.task import Task
from app.maintenance.queue_sampler import QueueSamplerService, QueueSamplerSettings
from app.services.queue_sampling import QueueSampler
from tests.contract.conftest import T0, StoreHarness, queued_task

MINUTE = timedelta(minutes=1)


def sample(queue: str, minute_index: int, *, queued: int) -> QueueSample:
    minute = T0 + minute_index * MINUTE
    return QueueSample(
        queue=queue,
        minute=minute,
        sampled_at=minute + timedelta(seconds=20),
        queued=queued,
        oldest_queued_age_seconds=1.5 if queued else None,
        claims=2,
        claim_latency=DelayPercentiles(p50=0.25, p95=3.0),
        schedule_to_start=None,
    )


async def test_samples_are_listed_by_queue_and_minute_and_replaced_per_minute(harness: StoreHarness) -> None:
    store = harness.store
    await store.put_queue_samples(
        [sample("a", 0, queued=1), sample("a", 1, queued=2), sample("b", 1, queued=7)]
    )
    await store.put_queue_samples([sample("a", 1, queued=5), sample(ALL_QUEUES, 1, queued=12)])
    await harness.make_searchable()

    listed = await store.list_queue_samples(queue="a", since=T0, until=T0 + 5 * MINUTE)
    assert listed == [sample("a", 0, queued=1), sample("a", 1, queued=5)]
    later = await store.list_queue_samples(queue="a", since=T0 + MINUTE, until=T0 + 5 * MINUTE)
    assert [found.queued for found in later] == [5]
    everything = await store.list_queue_samples(queue=ALL_QUEUES, since=T0, until=T0 + 5 * MINUTE)
    assert everything == [sample(ALL_QUEUES, 1, queued=12)]


async def test_pruning_removes_samples_of_every_queue_before_the_cut_off(harness: StoreHarness) -> None:
    store = harness.store
    await store.put_queue_samples(
        [sample("a", 0, queued=1), sample("b", 0, queued=1), sample("a", 2, queued=1)]
    )
    await harness.make_searchable()

    assert await store.prune_queue_samples(before=T0 + MINUTE) == 2
    await harness.make_searchable()
    assert await store.list_queue_samples(queue="b", since=T0, until=T0 + 5 * MINUTE) == []
    assert len(await store.list_queue_samples(queue="a", since=T0, until=T0 + 5 * MINUTE)) == 1


async def _claimed_after(harness: StoreHarness, task: Task, *, seconds: int) -> None:
    (created,) = await harness.store.create_tasks([task])
    assert isinstance(created, Task)
    claimed_at = task.run_at + timedelta(seconds=seconds)
    await harness.store.update_task(created, created.claim(worker_id="w", at=claimed_at, lease_token="l"))


async def test_a_pass_samples_backlog_and_claim_delays_per_queue_and_for_all(harness: StoreHarness) -> None:
    clock = FrozenClock(T0 + timedelta(minutes=10, seconds=30))
    now = clock.now_utc()
    # Claimed within the last minute: 2s, 4s and 30s after becoming due; one claimed too long ago.
    await _claimed_after(harness, queued_task("a1", queue="a", run_at=now - timedelta(seconds=10)), seconds=2)
    await _claimed_after(harness, queued_task("a2", queue="a", run_at=now - timedelta(seconds=10)), seconds=4)
    await _claimed_after(
        harness, queued_task("b1", queue="b", run_at=now - timedelta(seconds=40)), seconds=30
    )
    await _claimed_after(harness, queued_task("old", queue="b", run_at=now - timedelta(minutes=5)), seconds=1)
    await harness.store.create_tasks(
        [
            queued_task("waiting", queue="b", run_at=now - timedelta(seconds=90)),
            queued_task("later", queue="b", run_at=now + MINUTE),
        ]
    )
    await harness.store.put_queue_samples([sample("a", -120, queued=3)])  # older than the retention
    await harness.make_searchable()
    service = QueueSamplerService(
        QueueSampler(harness.store, clock=clock, max_claims=100),
        harness.store,
        settings=QueueSamplerSettings(retention=timedelta(hours=1)),
        clock=clock,
    )

    result = await service.run_once()
    await harness.make_searchable()

    assert result.work_done == 1  # the stale sample pruned
    minute = T0 + 10 * MINUTE
    found = {
        queue: await harness.store.list_queue_samples(
            queue=queue, since=T0 - 200 * MINUTE, until=minute + MINUTE
        )
        for queue in ("a", "b", ALL_QUEUES)
    }
    assert [(s.queue, s.minute, s.sampled_at) for s in found["a"]] == [("a", minute, now)]
    (a,), (b,), (everything,) = found["a"], found["b"], found[ALL_QUEUES]
    assert (a.queued, a.oldest_queued_age_seconds, a.claims) == (0, None, 2)
    assert a.schedule_to_start == DelayPercentiles(p50=2.0, p95=4.0)
    assert a.claim_latency == DelayPercentiles(p50=2.0, p95=4.0)  # enqueued when due
    assert (b.queued, b.oldest_queued_age_seconds, b.claims) == (2, 90.0, 1)
    assert b.schedule_to_start == DelayPercentiles(p50=30.0, p95=30.0)
    assert (everything.queued, everything.oldest_queued_age_seconds, everything.claims) == (2, 90.0, 3)
    assert everything.schedule_to_start == DelayPercentiles(p50=4.0, p95=30.0)


@pytest.mark.parametrize("field", ["interval", "retention"])
def test_sampler_settings_refuse_non_positive_durations(field: str) -> None:
    with pytest.raises(ValueError, match="greater than"):
        QueueSamplerSettings.model_validate({field: "0s"})
