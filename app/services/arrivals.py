"""In-process hand-off of newly enqueued tasks to claimers blocked on the same server.

A task enqueued here is offered, with its fresh store version, to every waiting claimer whose queues
match; each tries a conditional claim by id, so at most one wins and none waits for a search refresh.
Tasks enqueued through other servers reach waiters through their bounded store re-check instead.

Shutdown comes in two steps. ``stop_claiming`` runs the moment the server is told to stop (before it
drains the requests in flight): every blocked claimer wakes and answers with what it holds, and new
claims are refused. ``closing`` is set later, when the wiring root stops: enqueue-and-wait requests keep
waiting through the drain, since the tasks they wait for may finish during it.
"""

import asyncio
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from app.domain.task import Task


class ArrivalWaiter:
    def __init__(self, queues: frozenset[str]) -> None:
        self._queues = queues
        self._offered: list[Task] = []
        self.arrived = asyncio.Event()

    def wants(self, task: Task) -> bool:
        return not self._queues or task.queue in self._queues

    def offer(self, tasks: Sequence[Task]) -> None:
        wanted = [task for task in tasks if self.wants(task)]
        if wanted:
            self._offered.extend(wanted)
            self.arrived.set()

    def take_offered(self) -> list[Task]:
        offered, self._offered = self._offered, []
        self.arrived.clear()
        return offered


class ArrivalBoard:
    def __init__(self) -> None:
        self._waiters: set[ArrivalWaiter] = set()
        self.closing = asyncio.Event()
        self.claiming_stopped = asyncio.Event()
        # Set once any claimer has subscribed; lets callers (and tests) wait for a blocked claimer.
        self.someone_waited = asyncio.Event()

    @contextmanager
    def waiting_for(self, queues: Sequence[str]) -> Iterator[ArrivalWaiter]:
        waiter = ArrivalWaiter(frozenset(queues))
        self._waiters.add(waiter)
        self.someone_waited.set()
        try:
            yield waiter
        finally:
            self._waiters.discard(waiter)

    def stop_claiming(self) -> None:
        """Wake every blocked claimer; from now on claims make no more passes."""
        self.claiming_stopped.set()
        for waiter in self._waiters:
            waiter.arrived.set()

    def publish(self, tasks: Sequence[Task]) -> None:
        for waiter in self._waiters:
            waiter.offer(tasks)

    @property
    def waiting(self) -> int:
        return len(self._waiters)
