"""``TaskStore.change_task`` without multi-document transactions: read, transition, compare-and-swap,
then hand the history events over to the next coalesced flush, best effort as history always was there
(the change is already stored; failing the request over its history would make it look undone). The
request does not wait for that flush: the events ride along with other requests' writes instead of
costing a round trip of their own (``events``).

A compare-and-swap can report a conflict with our own write: when the node holding a primary dies after
the write reached a replica, the engine replays it on the promoted replica, where it meets itself. So a
lost write is read back once, and a document that is exactly the change we sent counts as written."""

from collections.abc import Callable, Sequence
from typing import Protocol

from app.domain.errors import VersionConflict
from app.domain.history import TaskEvent
from app.domain.task import Task
from app.storage.port import TaskChange


class _ReadWriteAppend(Protocol):
    async def get_task(self, queue: str, task_id: str) -> Task: ...

    async def update_task(self, previous: Task, updated: Task) -> Task: ...

    def hand_over_events(self, events: Sequence[TaskEvent]) -> None: ...


async def change_in_steps(
    store: _ReadWriteAppend,
    queue: str,
    task_id: str,
    transition: Callable[[Task], Task],
    events_for: Callable[[Task], Sequence[TaskEvent]],
) -> TaskChange:
    before = await store.get_task(queue, task_id)
    intended = transition(before)
    try:
        after = await store.update_task(before, intended)
    except VersionConflict:
        current = await store.get_task(queue, task_id)
        if _unversioned(current) != _unversioned(intended):
            raise
        after = current
    events = list(events_for(after))
    store.hand_over_events(events)
    return TaskChange(before=before, after=after, events=events)


def _unversioned(task: Task) -> Task:
    return task.model_copy(update={"metadata": task.metadata.model_copy(update={"version": None})})
