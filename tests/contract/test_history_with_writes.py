"""Claims and CAS updates carry their history: it is stored exactly for the changes that were stored."""

from collections.abc import Callable, Sequence
from datetime import timedelta

import pytest

from app.domain.errors import VersionConflict
from app.domain.history import TaskEvent, TaskEventKind, task_event
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from app.storage.port import ClaimRequest
from tests.contract.conftest import T0, StoreHarness, queued_task

NOW = T0 + timedelta(hours=1)


def _claimed_events(task: Task) -> Sequence[TaskEvent]:
    return (task_event(task, TaskEventKind.CLAIMED, at=NOW),)


def _claim_by(worker: str) -> Callable[[Task], Task]:
    return lambda task: task.claim(worker_id=worker, at=NOW, lease_token=f"{worker}-{task.id}")


def _owner(task: Task) -> Claimant:
    return Claimant(worker_id="w", lease_token=task.lease_token)


async def test_a_claim_stores_the_history_of_exactly_what_it_claimed(harness: StoreHarness) -> None:
    await harness.store.create_tasks([queued_task("a"), queued_task("b"), queued_task("c")])
    await harness.make_searchable()

    outcome = await harness.store.claim_tasks(
        ClaimRequest(queues=("q",), amount=2, at=NOW), _claim_by("w"), events_for=_claimed_events
    )

    claimed_ids = sorted(task.id for task in outcome.claimed)
    assert sorted(event.task_id for event in outcome.events) == claimed_ids
    assert all(event.kind is TaskEventKind.CLAIMED and event.worker_id == "w" for event in outcome.events)
    for task_id in ("a", "b", "c"):
        stored = await harness.store.list_events("q", task_id, limit=10)
        assert [event.kind for event in stored] == ([TaskEventKind.CLAIMED] if task_id in claimed_ids else [])


async def test_an_update_stores_the_history_of_the_changes_that_won_and_none_of_the_lost(
    harness: StoreHarness,
) -> None:
    await harness.store.create_tasks([queued_task("won"), queued_task("lost")])
    await harness.make_searchable()
    claimed = {
        task.id: task
        for task in (
            await harness.store.claim_tasks(ClaimRequest(queues=("q",), amount=2, at=NOW), _claim_by("w"))
        ).claimed
    }
    # "lost" moves on behind our back, so our change to it is a lost compare-and-swap.
    await harness.store.update_task(
        claimed["lost"], claimed["lost"].report_in(_owner(claimed["lost"]), at=NOW, data=None)
    )
    changes = [(task, task.mark_done(_owner(task), at=NOW, data=None)) for task in claimed.values()]
    events = [(task_event(after, TaskEventKind.DONE, at=NOW),) for _, after in changes]

    results = await harness.store.update_tasks(changes, events=events)

    outcome_by_id = {previous.id: result for (previous, _), result in zip(changes, results, strict=True)}
    assert isinstance(outcome_by_id["lost"], VersionConflict)
    won = outcome_by_id["won"]
    assert isinstance(won, Task)
    assert won.state is TaskState.DONE
    assert [event.kind for event in await harness.store.list_events("q", "won", limit=10)] == [
        TaskEventKind.DONE
    ]
    assert await harness.store.list_events("q", "lost", limit=10) == []


async def test_on_sqlite_a_claim_and_its_history_are_one_transaction(harness: StoreHarness) -> None:
    if harness.backend != "sqlite":
        pytest.skip("a search engine has no transactions: its history follows the claim, best effort")
    await harness.store.create_tasks([queued_task("a")])

    def refuse(task: Task) -> Sequence[TaskEvent]:
        raise RuntimeError("history cannot be built")

    with pytest.raises(RuntimeError):
        await harness.store.claim_tasks(
            ClaimRequest(queues=("q",), amount=1, at=NOW), _claim_by("w"), events_for=refuse
        )

    assert (await harness.store.get_task("q", "a")).state is TaskState.QUEUED
