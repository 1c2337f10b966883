"""``TaskStore.change_task`` without multi-document transactions: read, transition, compare-and-swap,
then append the history events, best effort as history always was there (the change is already stored;
failing the request over its history would make it look undone).

A compare-and-swap can report a conflict with our own write: when the node holding a primary dies after
the write reached a replica, the engine replays it on the promoted replica, where it meets itself. So a
lost write is read back once, and a document that is exactly the change we sent counts as written."""

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from app.domain.errors import TasquesError, VersionConflict
from app.domain.history import TaskEvent
from app.domain.task import Task
from app.storage.port import TaskChange

_log = logging.getLogger(__name__)


class _ReadWriteAppend(Protocol):
    async def get_task(self, queue: str, task_id: str) -> Task: ...

    async def update_task(self, previous: Task, updated: Task) -> Task: ...

    async def append_events(self, events: Sequence[TaskEvent]) -> None: ...


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
    if events:
        try:
            await store.append_events(events)
        except TasquesError as error:
            _log.warning("could not record %d history events: %s", len(events), error.message)
            events = []
    return TaskChange(before=before, after=after, events=events)


def _unversioned(task: Task) -> Task:
    return task.model_copy(update={"metadata": task.metadata.model_copy(update={"version": None})})
