"""change_in_steps on the engine: a compare-and-swap that reports a conflict with its own landed write
counts as written; a task this store holds (last wrote while claimed) is changed without a read, and
the stored document decides whenever the held one is refused or loses."""

from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import LeaseSuperseded, VersionConflict
from app.domain.history import TaskEvent
from app.domain.states import TaskState
from app.domain.task import Claimant, Metadata, Task, Version
from app.storage.elasticsearch.task_changes import change_in_steps

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def at_version(task: Task, seq_num: int) -> Task:
    version = Version(seq_num=seq_num, primary_term=1)
    return task.model_copy(update={"metadata": task.metadata.model_copy(update={"version": version})})


def claimed_task(*, worker: str = "w1", lease: str = "lease-1", seq_num: int = 1) -> Task:
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
        metadata=Metadata(created_at=NOW, modified_at=NOW, version=Version(seq_num=0, primary_term=1)),
    )
    return at_version(queued.claim(worker_id=worker, at=NOW, lease_token=lease), seq_num)


class VersionedStore:
    """One stored task under compare-and-swap; ``replays`` makes a landed write answer 409, as a write
    replayed on a promoted replica does. Counts reads."""

    def __init__(self, stored: Task, *, held: Task | None = None, replays: bool = False) -> None:
        self.stored = stored
        self.held = held
        self.replays = replays
        self.reads = 0

    async def get_task(self, queue: str, task_id: str) -> Task:
        self.reads += 1
        return self.stored

    async def update_task(self, previous: Task, updated: Task) -> Task:
        if previous.metadata.version != self.stored.metadata.version:
            raise VersionConflict(previous.id)
        assert self.stored.metadata.version is not None
        self.stored = at_version(updated, self.stored.metadata.version.seq_num + 1)
        if self.replays:
            raise VersionConflict(previous.id)
        return self.stored

    def hand_over_events(self, events: Sequence[TaskEvent]) -> None:
        return None

    def held_task(self, queue: str, task_id: str) -> Task | None:
        return self.held


def no_events(task: Task) -> list[TaskEvent]:
    return []


def done_by(worker: str, lease: str) -> Callable[[Task], Task]:
    return lambda task: task.mark_done(Claimant(worker_id=worker, lease_token=lease), at=NOW, data={"ok": 1})


async def test_a_conflict_whose_document_is_our_own_change_is_a_success() -> None:
    store = VersionedStore(claimed_task(), replays=True)

    change = await change_in_steps(store, "q", "t1", done_by("w1", "lease-1"), no_events)

    assert change.after.state is TaskState.DONE
    assert change.after == store.stored


async def test_a_conflict_with_someone_elses_change_still_raises() -> None:
    store = VersionedStore(claimed_task())
    stale = claimed_task(seq_num=0)

    class ReadsStale(VersionedStore):
        async def get_task(self, queue: str, task_id: str) -> Task:
            self.reads += 1
            return stale if self.reads == 1 else self.stored

    reading_stale = ReadsStale(store.stored)
    with pytest.raises(VersionConflict):
        await change_in_steps(reading_stale, "q", "t1", done_by("w1", "lease-1"), no_events)


async def test_a_held_task_is_changed_without_reading_it_back() -> None:
    stored = claimed_task()
    store = VersionedStore(stored, held=stored)

    change = await change_in_steps(store, "q", "t1", done_by("w1", "lease-1"), no_events)

    assert store.reads == 0
    assert (change.before, change.after) == (stored, store.stored)
    assert change.after.state is TaskState.DONE


async def test_a_held_task_that_moved_on_is_read_and_the_stored_document_decides() -> None:
    # Held: w1's claim at version 1. Stored since: timed out and claimed by w2 (another server).
    store = VersionedStore(claimed_task(worker="w2", lease="lease-2", seq_num=3), held=claimed_task())

    with pytest.raises(LeaseSuperseded):
        await change_in_steps(store, "q", "t1", done_by("w1", "lease-1"), no_events)

    assert store.reads == 1
    assert store.stored.state is TaskState.CLAIMED


async def test_a_held_task_the_transition_refuses_is_read_and_may_still_change() -> None:
    # Held: w2's old claim. Stored since: w1 claimed it again through another server.
    store = VersionedStore(claimed_task(seq_num=5), held=claimed_task(worker="w2", lease="lease-2"))

    change = await change_in_steps(store, "q", "t1", done_by("w1", "lease-1"), no_events)

    assert store.reads == 1
    assert change.after.state is TaskState.DONE
    assert change.after == store.stored


async def test_a_held_task_whose_write_was_replayed_counts_as_written() -> None:
    stored = claimed_task()
    store = VersionedStore(stored, held=stored, replays=True)

    change = await change_in_steps(store, "q", "t1", done_by("w1", "lease-1"), no_events)

    assert change.after.state is TaskState.DONE
    assert change.after == store.stored
    assert store.reads == 1
