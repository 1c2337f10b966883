"""``change_task``: read, transition, compare-and-swap and the history events, on every backend."""

from datetime import timedelta

import pytest

from app.domain.errors import NotOwnedByWorker, TaskNotFound
from app.domain.history import TaskEvent, TaskEventKind, task_event
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from tests.contract.conftest import T0, StoreHarness, queued_task

LATER = T0 + timedelta(seconds=5)


def _done_events(task: Task) -> list[TaskEvent]:
    return [task_event(task, TaskEventKind.DONE, at=LATER)]


async def _claimed(harness: StoreHarness, task_id: str) -> Task:
    (created,) = await harness.store.create_tasks([queued_task(task_id)])
    assert isinstance(created, Task)
    return await harness.store.update_task(created, created.claim(worker_id="w", at=T0, lease_token="lease"))


async def test_the_change_and_its_events_are_stored_together(harness: StoreHarness) -> None:
    claimed = await _claimed(harness, "t")
    owner = Claimant(worker_id="w", lease_token="lease")

    changed = await harness.store.change_task(
        "q", "t", lambda task: task.mark_done(owner, at=LATER, data={"ok": True}), _done_events
    )

    assert changed.before == claimed
    assert changed.after.state is TaskState.DONE
    assert changed.after == await harness.sibling().get_task("q", "t")
    assert [event.kind for event in changed.events] == [TaskEventKind.DONE]
    assert await harness.store.list_events("q", "t", limit=10) == changed.events


async def test_a_refused_transition_changes_nothing_and_records_nothing(harness: StoreHarness) -> None:
    claimed = await _claimed(harness, "t")
    stranger = Claimant(worker_id="someone-else", lease_token=None)

    with pytest.raises(NotOwnedByWorker):
        await harness.store.change_task(
            "q", "t", lambda task: task.mark_done(stranger, at=LATER, data=None), _done_events
        )

    assert await harness.store.get_task("q", "t") == claimed
    assert await harness.store.list_events("q", "t", limit=10) == []


async def test_a_missing_task_is_not_found(harness: StoreHarness) -> None:
    with pytest.raises(TaskNotFound):
        await harness.store.change_task("q", "nothing", lambda task: task, _done_events)
