"""The lock record: create-only, compare-and-swap renewals and takeovers, conditional release."""

from datetime import timedelta

import pytest

from app.domain.errors import VersionConflict
from tests.contract.conftest import T0, StoreHarness

LEASE = timedelta(seconds=5)


async def test_first_create_wins_and_the_second_conflicts(harness: StoreHarness) -> None:
    assert await harness.store.read_lock("leader") is None
    created = await harness.store.create_lock("leader", holder="a", at=T0, lease=LEASE)

    with pytest.raises(VersionConflict):
        await harness.sibling().create_lock("leader", holder="b", at=T0, lease=LEASE)

    assert await harness.store.read_lock("leader") == created
    assert (created.holder, created.lease, created.renewed_at) == ("a", LEASE, T0)


async def test_renewal_needs_the_current_version(harness: StoreHarness) -> None:
    created = await harness.store.create_lock("leader", holder="a", at=T0, lease=LEASE)
    renewed = await harness.store.replace_lock(created, holder="a", at=T0 + timedelta(seconds=1), lease=LEASE)

    with pytest.raises(VersionConflict):
        await harness.sibling().replace_lock(created, holder="b", at=T0 + timedelta(seconds=2), lease=LEASE)

    current = await harness.store.read_lock("leader")
    assert current == renewed
    assert renewed.version != created.version


async def test_release_is_conditional_and_frees_the_name(harness: StoreHarness) -> None:
    created = await harness.store.create_lock("leader", holder="a", at=T0, lease=LEASE)
    taken_over = await harness.sibling().replace_lock(created, holder="b", at=T0, lease=LEASE)

    assert await harness.store.delete_lock(created) is False
    assert await harness.store.read_lock("leader") == taken_over
    assert await harness.sibling().delete_lock(taken_over) is True
    assert await harness.store.read_lock("leader") is None
    with pytest.raises(VersionConflict):
        await harness.store.replace_lock(taken_over, holder="a", at=T0, lease=LEASE)
    assert (await harness.store.create_lock("leader", holder="c", at=T0, lease=LEASE)).holder == "c"


async def test_locks_with_different_names_are_independent(harness: StoreHarness) -> None:
    await harness.store.create_lock("one", holder="a", at=T0, lease=LEASE)
    other = await harness.store.create_lock("two", holder="b", at=T0, lease=LEASE)
    assert await harness.store.read_lock("two") == other
