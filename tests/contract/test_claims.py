"""Claim order, eligibility and exclusivity, the same on every backend."""

import asyncio
from datetime import timedelta

from app.domain.backoff import BackoffPolicy, BackoffStrategy
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from app.storage.port import ClaimRequest, TaskStore
from tests.contract.conftest import T0, StoreHarness, queued_task

NOW = T0 + timedelta(hours=1)


async def _claim(
    store: TaskStore, amount: int, *, queues: tuple[str, ...] = ("q",), worker: str = "w"
) -> list[Task]:
    request = ClaimRequest(queues=queues, amount=amount, at=NOW)
    outcome = await store.claim_tasks(
        request, lambda task: task.claim(worker_id=worker, at=NOW, lease_token=f"{worker}-{task.id}")
    )
    return outcome.claimed


async def test_claims_best_first_priority_then_run_at(harness: StoreHarness) -> None:
    await harness.store.create_tasks(
        [
            queued_task("low-early", priority=0, run_at=T0),
            queued_task("high-late", priority=5, run_at=T0 + timedelta(minutes=2)),
            queued_task("high-early", priority=5, run_at=T0 + timedelta(minutes=1)),
            queued_task("negative", priority=-3, run_at=T0),
        ]
    )
    await harness.make_searchable()

    claimed = await _claim(harness.store, 3)

    assert [task.id for task in claimed] == ["high-early", "high-late", "low-early"]
    assert all(task.state is TaskState.CLAIMED and task.attempted == 1 for task in claimed)
    assert [task.lease_token for task in claimed] == ["w-high-early", "w-high-late", "w-low-early"]


async def test_claims_only_due_tasks_of_the_named_queues(harness: StoreHarness) -> None:
    await harness.store.create_tasks(
        [
            queued_task("due"),
            queued_task("future", run_at=NOW + timedelta(seconds=1)),
            queued_task("elsewhere", queue="other"),
        ]
    )
    await harness.make_searchable()

    assert [task.id for task in await _claim(harness.store, 10)] == ["due"]
    assert [task.id for task in await _claim(harness.store, 10, queues=())] == ["elsewhere"]


async def test_claimed_done_and_dead_tasks_are_not_claimed_again(harness: StoreHarness) -> None:
    await harness.store.create_tasks([queued_task("a", retry_times=0), queued_task("b"), queued_task("c")])
    await harness.make_searchable()
    a, b, _still_claimed = sorted(await _claim(harness.store, 3), key=lambda task: task.id)
    owner = Claimant(worker_id="w")
    backoff = BackoffPolicy(
        strategy=BackoffStrategy.FIXED, base=timedelta(seconds=1), max=timedelta(seconds=1)
    )
    await harness.store.update_task(a, a.mark_failed(owner, at=NOW, data=None, backoff=backoff, jitter=0.0))
    await harness.store.update_task(b, b.mark_done(owner, at=NOW, data={"ok": True}))
    await harness.make_searchable()

    assert await _claim(harness.store, 10) == []
    assert (await harness.store.get_task("q", "a")).state is TaskState.DEAD
    assert (await harness.store.get_task("q", "c")).state is TaskState.CLAIMED


async def test_a_failed_task_is_claimable_again_once_its_backoff_passed(harness: StoreHarness) -> None:
    await harness.store.create_tasks([queued_task("a")])
    await harness.make_searchable()
    (claimed,) = await _claim(harness.store, 1)
    backoff = BackoffPolicy(
        strategy=BackoffStrategy.FIXED, base=timedelta(minutes=5), max=timedelta(minutes=5)
    )
    failed_at = NOW - timedelta(minutes=10)
    await harness.store.update_task(
        claimed,
        claimed.mark_failed(Claimant(worker_id="w"), at=failed_at, data=None, backoff=backoff, jitter=0.0),
    )
    await harness.make_searchable()

    (again,) = await _claim(harness.store, 1, worker="w2")

    assert again.id == "a"
    assert again.attempted == 2
    assert again.last_claimed is not None
    assert again.last_claimed.worker_id == "w2"
    assert again.last_claimed.result is None


async def test_concurrent_claimers_on_many_servers_never_share_a_task(harness: StoreHarness) -> None:
    await harness.store.create_tasks([queued_task(f"t{index:02d}") for index in range(30)])
    await harness.make_searchable()
    servers = [harness.store] + [harness.sibling() for _ in range(3)]

    async def drain(server: TaskStore, worker: str) -> list[str]:
        ids: list[str] = []
        for _ in range(4):
            ids += [task.id for task in await _claim(server, 3, worker=worker)]
        return ids

    batches = await asyncio.gather(*(drain(servers[index % 4], f"w{index}") for index in range(8)))
    claimed_ids = [task_id for batch in batches for task_id in batch]

    assert len(claimed_ids) == len(set(claimed_ids))
    assert set(claimed_ids) <= {f"t{index:02d}" for index in range(30)}
    for task_id in claimed_ids:
        assert (await harness.store.get_task("q", task_id)).state is TaskState.CLAIMED
