"""change_in_steps: a compare-and-swap that reports a conflict with its own landed write counts as written."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import VersionConflict
from app.domain.history import TaskEvent
from app.domain.ids import new_lease_token
from app.domain.states import TaskState
from app.domain.task import Claimant, Metadata, Task, Version
from app.storage.elasticsearch.task_changes import change_in_steps

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def claimed_task() -> Task:
    queued = Task(
        id="t1",
        queue="q",
        retry_times=1,
        attempted=0,
        kind="k",
        priority=0,
        state=TaskState.QUEUED,
        processing_timeout=timedelta(minutes=1),
        run_at=NOW,
        last_enqueued_at=NOW,
        metadata=Metadata(created_at=NOW, modified_at=NOW, version=Version(seq_num=1, primary_term=1)),
    )
    return queued.claim(worker_id="w1", at=NOW, lease_token=new_lease_token())


class ReplayedWrites:
    """A store whose writes land but answer 409, as a write replayed on a promoted replica does."""

    def __init__(self, task: Task, *, landed: bool) -> None:
        self.task = task
        self.landed = landed

    async def get_task(self, queue: str, task_id: str) -> Task:
        return self.task

    async def update_task(self, previous: Task, updated: Task) -> Task:
        if self.landed:
            self.task = updated.model_copy(
                update={
                    "metadata": updated.metadata.model_copy(
                        update={"version": Version(seq_num=9, primary_term=2)}
                    )
                }
            )
        raise VersionConflict(previous.id)

    def hand_over_events(self, events: Sequence[TaskEvent]) -> None:
        return None


def no_events(task: Task) -> list[TaskEvent]:
    return []


async def test_a_conflict_whose_document_is_our_own_change_is_a_success() -> None:
    store = ReplayedWrites(claimed_task(), landed=True)

    change = await change_in_steps(
        store,
        "q",
        "t1",
        lambda task: task.mark_done(Claimant(worker_id="w1"), at=NOW, data={"ok": 1}),
        no_events,
    )

    assert change.after.state is TaskState.DONE
    assert change.after.metadata.version == Version(seq_num=9, primary_term=2)


async def test_a_conflict_with_someone_elses_change_still_raises() -> None:
    store = ReplayedWrites(claimed_task(), landed=False)
    with pytest.raises(VersionConflict):
        await change_in_steps(
            store,
            "q",
            "t1",
            lambda task: task.mark_done(Claimant(worker_id="w1"), at=NOW, data={"ok": 1}),
            no_events,
        )
