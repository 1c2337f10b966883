"""Whose turn it is to write: a queue in the kernel for the processes that write one SQLite file.

Why not SQLite's lock alone: a process that finds the write lock taken polls for it, sleeping 1, 2, 5, 10,
... up to 100 ms between tries (SQLite's busy handler). Two server processes on one file therefore hand the
lock over late, and the one that has just committed takes it again before the other wakes. An exclusive
``flock`` on a file beside the database is waited for in the kernel, which hands it to a waiter the
moment it is released. Measured with two servers on one file (BENCHMARKS.md): batch finish 3,750-4,080
→ 4,750-5,300 tasks/s; the same turn polled without blocking (50 µs growing to 250 µs) got 4,300-4,670.

The writer's thread first tries without blocking, so a lone process pays one system call. When another
process holds the turn, a waiter thread blocks in ``flock`` on a descriptor of its own while the writer's
thread waits for it in slices, so it still gives up at the busy timeout (the store answers 503) or once
every caller of its group has gone; a turn granted after that is given back at once. The kernel drops a
crashed process's turn with its descriptors. SQLite's own lock stays the rule: the turn only orders the
processes that share it, and if its file cannot be opened (a read-only directory) writes wait for
SQLite's lock as before.
"""

import fcntl
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# How often a writer waiting for the turn looks at its deadline and its callers.
_WAIT_SLICE_SECONDS = 0.05


@dataclass(eq=False, slots=True)
class _Ticket:
    descriptor: int
    granted: threading.Event = field(default_factory=threading.Event)
    withdrawn: bool = False
    """Set under the turn's guard by a writer that gave up; the waiter then closes the descriptor."""
    unusable: bool = False
    """The kernel refused the lock itself (not a wait): the writer goes on under SQLite's lock alone."""


class WriteTurn:
    """One per database connection that writes; ``take`` and ``give_back`` are called by its thread only."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(f"{database.name}-write-turn")
        self._own: int | None = None
        self._held: int | None = None
        self._unusable = False
        self._tickets: queue.SimpleQueue[_Ticket | None] = queue.SimpleQueue()
        self._guard = threading.Lock()
        self._waiter: threading.Thread | None = None

    def take(self, *, deadline: float, abandoned: Callable[[], bool]) -> bool:
        """True once this connection holds the turn (or none can be had); False if it gave up waiting."""
        own = self._own_descriptor()
        if own is None:
            return True
        try:
            fcntl.flock(own, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return self._wait_in_line(deadline, abandoned)
        except OSError:
            self._unusable = True
            return True
        self._held = own
        return True

    def give_back(self) -> None:
        held, self._held = self._held, None
        if held is None:
            return
        if held == self._own:
            fcntl.flock(held, fcntl.LOCK_UN)
        else:
            os.close(held)  # a ticket's own descriptor: closing it ends its lock

    def close(self) -> None:
        self.give_back()
        if self._waiter is not None:
            self._tickets.put(None)
            self._waiter = None
        own, self._own = self._own, None
        if own is not None:
            os.close(own)

    def _own_descriptor(self) -> int | None:
        if self._own is None and not self._unusable:
            try:
                self._own = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
            except OSError:
                self._unusable = True
        return self._own

    def _wait_in_line(self, deadline: float, abandoned: Callable[[], bool]) -> bool:
        try:
            ticket = _Ticket(os.open(self.path, os.O_RDWR | os.O_CLOEXEC))
        except OSError:
            return True
        if self._waiter is None:
            self._waiter = threading.Thread(
                target=self._wait_in_kernel, name="tasques-sqlite-turn", daemon=True
            )
            self._waiter.start()
        self._tickets.put(ticket)
        while not ticket.granted.wait(max(0.0, min(_WAIT_SLICE_SECONDS, deadline - time.monotonic()))):
            if abandoned() or time.monotonic() >= deadline:
                with self._guard:
                    if not ticket.granted.is_set():
                        ticket.withdrawn = True
                        return False
        if ticket.unusable:
            os.close(ticket.descriptor)
            return True
        self._held = ticket.descriptor
        return True

    def _wait_in_kernel(self) -> None:
        """The waiter's thread: takes each ticket's lock in turn, blocking in the kernel."""
        while (ticket := self._tickets.get()) is not None:
            with self._guard:
                withdrawn = ticket.withdrawn
            if not withdrawn:
                try:
                    fcntl.flock(ticket.descriptor, fcntl.LOCK_EX)
                except OSError:
                    ticket.unusable = True
            with self._guard:
                if ticket.withdrawn:
                    os.close(ticket.descriptor)
                else:
                    ticket.granted.set()
