"""Finding 3: a schedule that never fires is refused at create and update, and one broken definition
never stops the scheduler pass for the others (or makes its backfill answer 500)."""

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.task import Metadata
from app.maintenance.scheduler import RecurringScheduler, SchedulerSettings
from app.services.recurring_fires import RecurringFires
from app.services.recurring_service import NewTaskDefinition, SchedulePolicy
from app.storage.sqlite import SqliteTaskStore

NEVER = "0 0 31 2 *"
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def _definition(schedule: str, recurring_id: str = "never") -> dict[str, object]:
    return {
        "id": recurring_id,
        "schedule_expression": schedule,
        "task_definition": {"queue": "q", "kind": "k"},
    }


@pytest.mark.parametrize("schedule", [NEVER, "0 0 30 2 *", "0 0 31 4,6,9,11 *"])
async def test_never_firing_schedules_are_refused_at_create(api: httpx.AsyncClient, schedule: str) -> None:
    response = await api.post("/recurring_tasques", json=_definition(schedule))
    assert response.status_code == 400, response.text
    assert "never fires within 8 years" in response.json()["message"]
    assert (await api.get("/recurring_tasques")).json() == []


async def test_a_never_firing_schedule_is_refused_at_update(api: httpx.AsyncClient) -> None:
    assert (await api.post("/recurring_tasques", json=_definition("0 0 29 2 *"))).status_code == 201
    response = await api.put("/recurring_tasques/never", json={"schedule_expression": NEVER})
    assert response.status_code == 400, response.text
    assert (await api.get("/recurring_tasques/never")).json()["schedule_expression"] == "0 0 29 2 *"


@pytest.fixture
async def frozen(tmp_path: Path) -> AsyncIterator[tuple[Components, FrozenClock]]:
    clock = FrozenClock(T0)
    store = SqliteTaskStore(tmp_path / "s.db")
    await store.setup()
    try:
        yield build_components(Settings(), clock=clock, store=store), clock
    finally:
        await store.close()


async def _store_unvalidated(components: Components, recurring_id: str, schedule: str) -> None:
    """A definition stored before never-firing schedules were refused."""
    valid = await components.recurring.create(
        recurring_id, "* * * * *", NewTaskDefinition(queue="q", kind="k"), SchedulePolicy()
    )
    broken = valid.model_copy(update={"schedule_expression": schedule})
    await components.store.update_recurring(
        valid, broken.model_copy(update={"metadata": Metadata(created_at=T0, modified_at=T0)})
    )


def _scheduler(components: Components, clock: FrozenClock) -> RecurringScheduler:
    fires = RecurringFires(
        components.store,
        policies=components.tasks.policies,
        max_fires_per_pass=100,
        history=components.history,
    )
    return RecurringScheduler(fires, settings=SchedulerSettings(), clock=clock)


async def test_a_stored_never_firing_definition_neither_stops_the_pass_nor_fails_its_backfill(
    frozen: tuple[Components, FrozenClock],
) -> None:
    components, clock = frozen
    await _store_unvalidated(components, "a-never", NEVER)
    await components.recurring.create(
        "b-minute", "* * * * *", NewTaskDefinition(queue="q", kind="k"), SchedulePolicy()
    )
    clock.advance(timedelta(minutes=2, seconds=30))

    result = await _scheduler(components, clock).run_once()

    assert result.work_done == 2
    assert await components.store.count_outstanding(queue="q", recurring_task_id="b-minute") == 2
    report = await components.recurring.backfill(
        "a-never", start=T0, end=T0 + timedelta(days=30), max_fires=10
    )
    assert (report.enqueued, report.duplicates) == (0, 0)


class _BrokenFor:
    """A store whose outstanding count fails for one definition, as any unexpected error would."""

    def __init__(self, components: Components, broken_id: str) -> None:
        self._store = components.store
        self._broken_id = broken_id

    def __getattr__(self, name: str) -> object:
        return getattr(self._store, name)

    async def count_outstanding(self, *, queue: str, recurring_task_id: str) -> int:
        if recurring_task_id == self._broken_id:
            raise RuntimeError("boom")
        return int(await self._store.count_outstanding(queue=queue, recurring_task_id=recurring_task_id))


async def test_an_unexpected_error_in_one_definition_is_counted_and_the_others_fire(
    frozen: tuple[Components, FrozenClock], caplog: pytest.LogCaptureFixture
) -> None:
    components, clock = frozen
    skip = SchedulePolicy(overlap_policy="skip")  # type: ignore[arg-type]
    await components.recurring.create("a-broken", "* * * * *", NewTaskDefinition(queue="q", kind="k"), skip)
    await components.recurring.create("b-minute", "* * * * *", NewTaskDefinition(queue="q", kind="k"), skip)
    clock.advance(timedelta(minutes=1, seconds=30))
    fires = RecurringFires(
        _BrokenFor(components, "a-broken"),  # type: ignore[arg-type]
        policies=components.tasks.policies,
        max_fires_per_pass=100,
        history=components.history,
    )

    report = await fires.fire_due(at=clock.now_utc())

    assert report.enqueued == 1
    assert report.errors == ["a-broken: RuntimeError: boom"]
    assert "a-broken failed in a scheduler pass" in caplog.text
