"""In-process hand-off of newly enqueued tasks to claimers blocked on the same server.

A task enqueued here is offered, with its fresh store version, to every waiting claimer whose queues
match; each tries a conditional claim by id, so at most one wins and none waits for a search refresh.
Tasks enqueued through other servers reach waiters through their bounded store re-check instead, or
sooner where the wiring root relays arrivals between processes (``relay_to``, ``nudge``): the SQLite
processes on one file do, since a task committed by one is visible to all at once.

Shutdown comes in two steps. ``stop_claiming`` runs the moment the server is told to stop (before it
drains the requests in flight): every blocked claimer wakes and answers with what it holds, and new
claims are refused. ``closing`` is set later, when the wiring root stops: enqueue-and-wait requests keep
waiting through the drain, since the tasks they wait for may finish during it.
"""

import asyncio
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from app.domain.task import Task


class ArrivalWaiter:
    def __init__(self, queues: frozenset[str]) -> None:
        self._queues = queues
        self._offered: list[Task] = []
        self.arrived = asyncio.Event()

    def wants(self, task: Task) -> bool:
        return not self._queues or task.queue in self._queues

    def wants_any(self, queues: frozenset[str] | None) -> bool:
        """``queues`` None: tasks arrived in some queue, name unknown."""
        return queues is None or not self._queues or not self._queues.isdisjoint(queues)

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
    """Waiters are woken in a fresh random order each time: the first woken claims first, and a fixed
    order (a set's, or arrival's) would hand every new task to the same long-blocked claimer, starving
    the others for as long as it waits (a claimer of 1,000 tasks blocked for 10 s beside claimers of 2)."""

    def __init__(self, rng: random.Random | None = None) -> None:
        self._rng = rng or random.Random()
        self._waiters: set[ArrivalWaiter] = set()
        self.closing = asyncio.Event()
        self.claiming_stopped = asyncio.Event()
        # Set once any claimer has subscribed; lets callers (and tests) wait for a blocked claimer.
        self.someone_waited = asyncio.Event()
        self._relay: Callable[[frozenset[str]], None] | None = None

    def relay_to(self, relay: Callable[[frozenset[str]], None]) -> None:
        """Also hand the queues of every published arrival to ``relay`` (other processes' boards)."""
        self._relay = relay

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
        for waiter in self._in_random_order():
            waiter.offer(tasks)
        if self._relay is not None and tasks:
            self._relay(frozenset(task.queue for task in tasks))

    def nudge(self, queues: frozenset[str] | None) -> None:
        """Tasks arrived in ``queues`` (None: some queue) through another process: the claimers waiting
        for them re-check the store now instead of at their next re-check."""
        for waiter in self._in_random_order():
            if waiter.wants_any(queues):
                waiter.arrived.set()

    def _in_random_order(self) -> list[ArrivalWaiter]:
        return self._rng.sample(list(self._waiters), len(self._waiters))

    @property
    def waiting(self) -> int:
        return len(self._waiters)
