"""Natural batching, shared by the bulk coalescer (writes) and the realtime-read batcher (reads by id).

Callers queue requests; while fewer than ``max_in_flight`` batches are running, a batch starts on the
next turn of the event loop and takes from the queue what its owner's ``take`` allows. Requests that
arrive while batches run leave together in the next one. No timer: a lone request goes out at once,
and under load a batch grows with the load.

A batch is one engine request made for several callers, so a failure of the whole request is told to
each of them as it would have been told to it alone (``answer_for_all``).
"""

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, Generic, Protocol, TypeVar

from app.domain.errors import StoreUnavailable
from app.storage.elasticsearch.engine import EngineError, EngineUnreachable
from app.storage.elasticsearch.errors import store_unavailable

R = TypeVar("R")
T = TypeVar("T")


class CallerRequest(Protocol):
    """A caller's part of a batch: the action its errors name, and the way to fail it."""

    @property
    def action(self) -> str: ...

    def fail(self, error: BaseException) -> None: ...


class NaturalBatches(Generic[R]):
    """The queue and the batches in flight; ``take`` picks a batch off the queue, ``send`` sends it and
    answers its callers (it must not raise except on cancellation)."""

    def __init__(
        self,
        *,
        take: Callable[["deque[R]"], list[R]],
        send: Callable[[list[R]], Coroutine[Any, Any, None]],
        max_in_flight: int,
        name: str,
    ) -> None:
        self.loop = asyncio.get_running_loop()
        self.queued: deque[R] = deque()
        self._take = take
        self._send = send
        self._max_in_flight = max_in_flight
        self._name = name
        self._in_flight = 0
        self._starting = False
        self._tasks: set[asyncio.Task[None]] = set()

    def add(self, request: R) -> None:
        self.queued.append(request)
        self._start()

    def send_alone(self, request: R, *, name: str) -> None:
        """Send ``request`` at once in a batch of its own, outside the queue and the in-flight bound."""
        self._keep(self.loop.create_task(self._send([request]), name=name))

    def _keep(self, task: "asyncio.Task[None]") -> None:
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _start(self) -> None:
        # One batch at a time waits to take the queue, so two starting together never split it.
        if self.queued and not self._starting and self._in_flight < self._max_in_flight:
            self._starting = True
            self._in_flight += 1
            self._keep(self.loop.create_task(self._run(), name=self._name))

    async def _run(self) -> None:
        self._starting = False
        batch = self._take(self.queued)
        self._start()  # what the bounds left behind may go out beside this batch
        try:
            if batch:
                await self._send(batch)
        finally:
            self._in_flight -= 1
            self._start()


async def answer_for_all(requests: Sequence[CallerRequest], call: Callable[[], Awaitable[T]]) -> T | None:
    """``call()``'s answer, or None once every request has been failed with the error it would have
    got alone: ``StoreUnavailable`` naming its own action when the engine fails or is cut off by
    shutdown (then the cancellation goes on), the error itself when it is a bug."""
    try:
        return await call()
    except (EngineError, EngineUnreachable) as error:
        for request in requests:
            request.fail(store_unavailable(request.action, error))
        return None
    except asyncio.CancelledError:
        # Shutdown cancelled the batch: its callers were not cancelled, and writes may or may not have
        # landed, which is what StoreUnavailable tells them.
        for request in requests:
            request.fail(StoreUnavailable(f"{request.action}: interrupted before the engine answered"))
        raise
    except Exception as error:  # a bug: each caller sees it, as it would have alone
        for request in requests:
            request.fail(error)
        return None
