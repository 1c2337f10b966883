"""The archiver through ``run_once`` with a frozen clock, on every backend."""

from datetime import timedelta

import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.errors import TaskAlreadyExists
from app.domain.states import TaskState
from app.domain.task import Claimant
from app.maintenance.archiver import Archiver, ArchiverSettings
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from tests.contract.conftest import T0, StoreHarness

SETTINGS = ArchiverSettings(
    archive_after=timedelta(hours=1), dedup_window=timedelta(days=1), retention=timedelta(days=2)
)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(), clock=clock, store=harness.store)


def archiver(harness: StoreHarness, clock: FrozenClock) -> Archiver:
    return Archiver(harness.store, settings=SETTINGS, clock=clock, store_keeps_retention=False)


async def test_finished_tasks_are_archived_after_the_delay_and_ids_stay_taken(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="report-2026-01"))
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="still-queued"))
    await harness.make_searchable()
    (claimed,) = await components.claims.claim(
        ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(0))
    )
    await components.tasks.mark_done("q", claimed.id, Claimant(worker_id="w"), {"rows": 10})
    await harness.make_searchable()

    assert (await archiver(harness, clock).run_once()).work_done == 0
    clock.advance(timedelta(hours=1, seconds=1))
    result = await archiver(harness, clock).run_once()
    await harness.make_searchable()

    assert result.work_done == 1
    archived = await components.tasks.get_task("q", claimed.id)
    assert archived.state is TaskState.DONE
    assert archived.last_claimed is not None
    assert archived.last_claimed.result is not None
    assert archived.last_claimed.result.success == {"rows": 10}
    with pytest.raises(TaskAlreadyExists):
        await components.tasks.create_task(NewTask(queue="q", kind="k", id=claimed.id))
    assert (await components.tasks.get_task("q", "still-queued")).state is TaskState.QUEUED


async def test_dedup_records_and_archived_tasks_expire(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="old", retry_times=0))
    await harness.make_searchable()
    await components.claims.claim(ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(0)))
    await components.tasks.mark_failed("q", "old", Claimant(worker_id="w"), {"error": "x"})
    clock.advance(timedelta(hours=2))
    await harness.make_searchable()
    await archiver(harness, clock).run_once()

    clock.advance(timedelta(days=1, seconds=1))
    await harness.make_searchable()
    await archiver(harness, clock).run_once()
    await harness.make_searchable()
    recreated = await components.tasks.create_task(
        NewTask(queue="q", kind="k", id="old", args={"again": True})
    )

    assert recreated.state is TaskState.QUEUED
    assert (await components.tasks.get_task("q", "old")).args == {"again": True}
