"""What a handler sees of its task: arguments, the checkpoint to resume from, and the stop signals.

A context belongs to the worker's event loop. Its methods can be called from the loop (async handlers)
and from handler threads (sync handlers): anything that changes state is handed to the loop with
``call_soon_threadsafe``, and the flags read from threads are set on the loop only. Two events mirror
the cancellation flag, one per world: ``cancel_event`` (``threading.Event``) for sync handlers and
``wait_cancelled`` (an ``asyncio.Event``) for async ones.
"""

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any

from tasques_worker.errors import TaskCancelled
from tasques_worker.protocol import ClaimedTask, JsonObject


class TaskContext:
    def __init__(self, task: ClaimedTask, *, loop: asyncio.AbstractEventLoop, worker_id: str) -> None:
        self.task = task
        self.worker_id = worker_id
        self.logger = logging.getLogger(f"tasques_worker.task.{task.kind}")
        self.cancel_event = threading.Event()
        self.cancel_reason: str | None = None
        self.stopping = False
        self._loop = loop
        self._cancelled = asyncio.Event()
        self._heartbeat_wanted = asyncio.Event()
        self._progress: JsonObject | None = None
        self._pending_checkpoint: JsonObject | None = None

    # -- the task ---------------------------------------------------------------------------------
    @property
    def id(self) -> str:
        return self.task.id

    @property
    def queue(self) -> str:
        return self.task.queue

    @property
    def kind(self) -> str:
        return self.task.kind

    @property
    def args(self) -> JsonObject:
        return self.task.args

    @property
    def attempt(self) -> int:
        """1 on the first run, 2 on the first retry, ..."""
        return self.task.attempted

    @property
    def checkpoint_data(self) -> JsonObject | None:
        """The checkpoint an earlier attempt saved, handed over by the claim; ``None`` on a fresh start."""
        return self.task.checkpoint

    # -- talking to the server --------------------------------------------------------------------
    def checkpoint(self, data: JsonObject) -> None:
        """Save progress to resume from: sent at once with an extra heartbeat (without waiting for it),
        and handed to the next attempt if this one fails, times out or is handed back. The latest call
        wins when several come before the heartbeat goes out."""
        self._on_loop(self._set_checkpoint, dict(data))

    def report(self, data: JsonObject) -> None:
        """Progress shown as ``last_claimed.last_report.data``; sent with every following heartbeat."""
        self._on_loop(self._set_progress, dict(data))

    # -- stop signals -----------------------------------------------------------------------------
    @property
    def cancelled(self) -> bool:
        """True once the server asked for the task to stop (``cancel_requested`` in a heartbeat's
        answer), or once the worker lost its lease (then ``cancel_reason`` is ``"lease lost"``)."""
        return self.cancel_event.is_set()

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise TaskCancelled(self.cancel_reason or "cancelled")

    async def wait_cancelled(self, seconds: float | None = None) -> bool:
        """Async handlers: wait until cancelled or ``seconds`` pass; answers ``cancelled``."""
        await wait_for_event(self._cancelled, seconds)
        return self.cancelled

    # -- the worker's side (loop thread only) ------------------------------------------------------
    def _on_loop(self, callback: Callable[..., None], *args: Any) -> None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self._loop:
            callback(*args)
        else:
            self._loop.call_soon_threadsafe(callback, *args)

    def _set_checkpoint(self, data: JsonObject) -> None:
        self._pending_checkpoint = data
        self._heartbeat_wanted.set()

    def _set_progress(self, data: JsonObject) -> None:
        self._progress = data

    def _mark_cancelled(self, reason: str) -> None:
        if not self.cancelled:
            self.cancel_reason = reason
            self.cancel_event.set()
            self._cancelled.set()


async def wait_for_event(event: asyncio.Event, seconds: float | None) -> bool:
    """Waits until ``event`` is set or ``seconds`` pass; answers whether it is set.

    Not ``asyncio.wait_for(event.wait(), timeout)``: on Python 3.11 that swallows a cancellation that
    arrives as the event is set, and the loop it sits in would never stop.
    """
    if event.is_set():
        return True
    waiter = asyncio.ensure_future(event.wait())
    try:
        await asyncio.wait([waiter], timeout=seconds)
    finally:
        waiter.cancel()
    return event.is_set()
