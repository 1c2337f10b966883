"""Waiting for tasks to finish (enqueue-and-wait): woken by finishes on this server, and by a bounded
re-read of the store for finishes that happened on another server."""

import asyncio
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from app.domain.states import FINISHED_STATES
from app.domain.task import Task

TaskKey = tuple[str, str]


class CompletionBoard:
    def __init__(self) -> None:
        self._waiters: dict[TaskKey, set[asyncio.Event]] = defaultdict(set)

    @contextmanager
    def waiting_for(self, keys: Sequence[TaskKey]) -> Iterator[asyncio.Event]:
        event = asyncio.Event()
        for key in keys:
            self._waiters[key].add(event)
        try:
            yield event
        finally:
            for key in keys:
                waiters = self._waiters.get(key)
                if waiters is not None:
                    waiters.discard(event)
                    if not waiters:
                        del self._waiters[key]

    def publish(self, tasks: Sequence[Task]) -> None:
        for task in tasks:
            if task.state in FINISHED_STATES:
                for event in self._waiters.get((task.queue, task.id), ()):
                    event.set()

    @property
    def waiting(self) -> int:
        return len(self._waiters)
