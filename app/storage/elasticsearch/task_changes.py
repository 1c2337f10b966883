"""``TaskStore.change_task`` without multi-document transactions: read, transition, compare-and-swap,
then hand the history events over to the next coalesced flush, best effort as history always was there
(the change is already stored; failing the request over its history would make it look undone). The
request does not wait for that flush: the events ride along with other requests' writes instead of
costing a round trip of their own (``events``).

A compare-and-swap can report a conflict with our own write: when the node holding a primary dies after
the write reached a replica, the engine replays it on the promoted replica, where it meets itself. So a
lost write is read back once, and a document that is exactly the change we sent counts as written.

The read is skipped when this store itself last wrote the task while claimed (``held_task``): a worker's
report or finish usually reaches the server that claimed for it, and the compare-and-swap on the held
version is as safe as on a version just read. A held task the transition refuses, or whose write loses,
falls back to the read, so what is refused is always refused on the stored document."""

from collections.abc import Callable, Sequence
from typing import Protocol

from app.domain.errors import TaskNotFound, TasquesError, VersionConflict
from app.domain.history import TaskEvent
from app.domain.task import Task
from app.storage.port import TaskChange


class _ReadWriteAppend(Protocol):
    async def get_task(self, queue: str, task_id: str) -> Task: ...

    async def update_task(self, previous: Task, updated: Task) -> Task: ...

    def hand_over_events(self, events: Sequence[TaskEvent]) -> None: ...

    def held_task(self, queue: str, task_id: str) -> Task | None: ...


async def change_in_steps(
    store: _ReadWriteAppend,
    queue: str,
    task_id: str,
    transition: Callable[[Task], Task],
    events_for: Callable[[Task], Sequence[TaskEvent]],
) -> TaskChange:
    before, after = await _write_change(store, queue, task_id, transition)
    events = list(events_for(after))
    store.hand_over_events(events)
    return TaskChange(before=before, after=after, events=events)


async def _write_change(
    store: _ReadWriteAppend, queue: str, task_id: str, transition: Callable[[Task], Task]
) -> tuple[Task, Task]:
    held = store.held_task(queue, task_id)
    intended = _held_transition(held, transition)
    if held is None or intended is None:
        return await _read_then_write(store, await store.get_task(queue, task_id), transition)
    try:
        return held, await store.update_task(held, intended)
    except (VersionConflict, TaskNotFound):
        pass  # the document moved on without us, or it is our own write replayed: the read decides
    current = await store.get_task(queue, task_id)
    if _is_the_change(current, intended):
        return held, current
    return await _read_then_write(store, current, transition)


async def _read_then_write(
    store: _ReadWriteAppend, before: Task, transition: Callable[[Task], Task]
) -> tuple[Task, Task]:
    intended = transition(before)
    try:
        return before, await store.update_task(before, intended)
    except VersionConflict:
        current = await store.get_task(before.queue, before.id)
        if not _is_the_change(current, intended):
            raise
        return before, current


def _held_transition(held: Task | None, transition: Callable[[Task], Task]) -> Task | None:
    """The change of the held task, or None when there is none or the transition refuses it: the
    stored document decides what is refused, since it may have moved on (another lease, a cancel)."""
    if held is None:
        return None
    try:
        return transition(held)
    except TasquesError:
        return None


def _is_the_change(current: Task, intended: Task) -> bool:
    """The stored task is exactly the change we sent, whatever its version: our own write, replayed."""
    return _unversioned(current) == _unversioned(intended)


def _unversioned(task: Task) -> Task:
    return task.model_copy(update={"metadata": task.metadata.model_copy(update={"version": None})})
