"""Recurring definitions: create-only ids, CAS updates and deletes, listing by id."""

from datetime import timedelta

import pytest

from app.domain.errors import RecurringTaskAlreadyExists, RecurringTaskNotFound, VersionConflict
from app.domain.recurring import OverlapPolicy, RecurringTask, TaskDefinition
from app.domain.task import Metadata
from tests.contract.conftest import T0, StoreHarness


def definition(recurring_id: str, **changes: object) -> RecurringTask:
    recurring = RecurringTask(
        id=recurring_id,
        schedule_expression="*/5 * * * *",
        timezone="Europe/Paris",
        task_definition=TaskDefinition(
            queue="q",
            kind="k",
            retry_times=2,
            priority=1,
            processing_timeout=timedelta(minutes=1),
            args={"a": None},
        ),
        overlap_policy=OverlapPolicy.BUFFER_ONE,
        catchup_window=timedelta(minutes=10),
        jitter=timedelta(seconds=3),
        metadata=Metadata(created_at=T0, modified_at=T0),
    )
    return recurring.model_copy(update=changes)


async def test_round_trip_and_duplicate_ids(harness: StoreHarness) -> None:
    created = await harness.store.create_recurring(definition("nightly"))

    with pytest.raises(RecurringTaskAlreadyExists):
        await harness.store.create_recurring(definition("nightly"))
    fetched = await harness.store.get_recurring("nightly")

    assert fetched == created
    assert fetched.metadata.version is not None
    assert fetched.model_dump(exclude={"metadata"}) == definition("nightly").model_dump(exclude={"metadata"})


async def test_updates_and_deletes_are_compare_and_swap(harness: StoreHarness) -> None:
    created = await harness.store.create_recurring(definition("r"))
    fired = await harness.store.update_recurring(
        created,
        created.handled_through(T0 + timedelta(minutes=5), at=T0, buffered=T0 + timedelta(minutes=10)),
    )

    with pytest.raises(VersionConflict):
        await harness.sibling().update_recurring(created, created.changed(at=T0, paused=True))
    with pytest.raises(VersionConflict):
        await harness.store.delete_recurring(created)

    stored = await harness.store.get_recurring("r")
    assert stored == fired
    assert stored.last_fire_at == T0 + timedelta(minutes=5)
    assert stored.buffered_fire_at == T0 + timedelta(minutes=10)
    await harness.store.delete_recurring(stored)
    with pytest.raises(RecurringTaskNotFound):
        await harness.store.get_recurring("r")
    with pytest.raises(RecurringTaskNotFound):
        await harness.store.update_recurring(stored, stored)


async def test_list_shows_every_definition_by_id_at_once(harness: StoreHarness) -> None:
    for recurring_id in ["b", "a", "c"]:
        await harness.store.create_recurring(definition(recurring_id))

    listed = await harness.sibling().list_recurring()

    assert [recurring.id for recurring in listed] == ["a", "b", "c"]
