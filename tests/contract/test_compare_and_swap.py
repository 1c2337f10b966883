"""Every write is conditional on the version it was derived from; a lost race changes nothing."""

from datetime import timedelta

import pytest

from app.domain.errors import TaskNotFound, VersionConflict
from app.domain.task import Claimant, Task
from tests.contract.conftest import T0, StoreHarness, queued_task

OWNER = Claimant(worker_id="w1", lease_token="lease-w1")


def _claimed(task: Task, worker: str = "w1") -> Task:
    return task.claim(worker_id=worker, at=T0, lease_token=f"lease-{worker}")


async def test_update_from_the_current_version_succeeds_and_bumps_it(harness: StoreHarness) -> None:
    (created,) = await harness.store.create_tasks([queued_task("a")])
    assert isinstance(created, Task)

    updated = await harness.store.update_task(created, _claimed(created))

    assert updated.metadata.version != created.metadata.version
    assert await harness.store.get_task("q", "a") == updated


async def test_update_from_a_stale_version_conflicts_and_leaves_the_task_alone(harness: StoreHarness) -> None:
    (created,) = await harness.store.create_tasks([queued_task("a")])
    assert isinstance(created, Task)
    winner = await harness.store.update_task(created, _claimed(created, "winner"))

    with pytest.raises(VersionConflict):
        await harness.sibling().update_task(created, _claimed(created, "loser"))

    assert await harness.store.get_task("q", "a") == winner


async def test_update_of_a_missing_task_is_not_found(harness: StoreHarness) -> None:
    (created,) = await harness.store.create_tasks([queued_task("a")])
    assert isinstance(created, Task)
    ghost = created.model_copy(update={"id": "ghost"})

    with pytest.raises(TaskNotFound):
        await harness.store.update_task(ghost, _claimed(ghost))


async def test_batch_update_reports_each_item_on_its_own(harness: StoreHarness) -> None:
    created = await harness.store.create_tasks([queued_task("a"), queued_task("b")])
    a, b = (task for task in created if isinstance(task, Task))
    stale_b = b
    b = await harness.store.update_task(b, _claimed(b))

    results = await harness.store.update_tasks([(a, _claimed(a)), (stale_b, _claimed(stale_b, "late"))])

    assert isinstance(results[0], Task)
    assert results[0].last_claimed is not None
    assert isinstance(results[1], VersionConflict)
    assert await harness.store.get_task("q", "b") == b


async def test_a_heartbeat_keeps_args_and_replaces_report_data_whole(harness: StoreHarness) -> None:
    (created,) = await harness.store.create_tasks([queued_task("a", args={"big": "payload"})])
    assert isinstance(created, Task)
    claimed = await harness.store.update_task(created, _claimed(created))
    first = claimed.report_in(OWNER, at=T0 + timedelta(seconds=1), data={"step": 1, "old_key": True})
    first = await harness.store.update_task(claimed, first)

    second = first.report_in(OWNER, at=T0 + timedelta(seconds=2), data={"step": 2})
    await harness.store.update_task(first, second)

    stored = await harness.store.get_task("q", "a")
    assert stored.args == {"big": "payload"}
    assert stored.last_claimed is not None
    assert stored.last_claimed.last_report is not None
    assert stored.last_claimed.last_report.data == {"step": 2}
    assert stored.last_claimed.times_out_at == T0 + timedelta(seconds=2) + stored.processing_timeout
