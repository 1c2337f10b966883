"""Services re-read and retry a lost compare-and-swap only as often as
``tasks.limits.version_conflict_retry_times`` allows (recurring delete once retried forever)."""

import pytest

from app.clock import FrozenClock
from app.domain.errors import VersionConflict
from app.domain.recurring import RecurringTask
from app.services.history import HistoryRecorder
from app.services.policies import TaskLimits, TaskPolicies
from app.services.recurring_fires import RecurringFires
from app.services.recurring_service import RecurringService
from tests.contract.conftest import T0, StoreHarness
from tests.contract.test_recurring_store import definition

RETRY_TIMES = 2


def recurring_service(harness: StoreHarness) -> RecurringService:
    policies = TaskPolicies(limits=TaskLimits(version_conflict_retry_times=RETRY_TIMES))
    fires = RecurringFires(
        harness.store, policies=policies, max_fires_per_pass=10, history=HistoryRecorder(harness.store)
    )
    return RecurringService(harness.store, policies=policies, clock=FrozenClock(T0), fires=fires)


def deletes_losing(harness: StoreHarness, monkeypatch: pytest.MonkeyPatch, *, races: int) -> list[str]:
    """Make the store's deletes lose ``races`` races (as if edited meanwhile), then delete for real;
    returns the ids of every delete attempted."""
    attempted: list[str] = []
    really_delete = harness.store.delete_recurring

    async def delete_recurring(previous: RecurringTask) -> None:
        attempted.append(previous.id)
        if len(attempted) <= races:
            raise VersionConflict(previous.id)
        await really_delete(previous)

    monkeypatch.setattr(harness.store, "delete_recurring", delete_recurring)
    return attempted


async def test_recurring_delete_retries_a_lost_race(
    harness: StoreHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.store.create_recurring(definition("nightly"))
    attempted = deletes_losing(harness, monkeypatch, races=RETRY_TIMES)

    deleted = await recurring_service(harness).delete("nightly")

    assert deleted.id == "nightly"
    assert attempted == ["nightly"] * (RETRY_TIMES + 1)
    assert [recurring.id for recurring in await harness.store.list_recurring()] == []


async def test_recurring_delete_gives_up_after_the_bound(
    harness: StoreHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await harness.store.create_recurring(definition("nightly"))
    attempted = deletes_losing(harness, monkeypatch, races=RETRY_TIMES + 1)

    with pytest.raises(VersionConflict):
        await recurring_service(harness).delete("nightly")

    assert attempted == ["nightly"] * (RETRY_TIMES + 1)
    assert [recurring.id for recurring in await harness.store.list_recurring()] == ["nightly"]
