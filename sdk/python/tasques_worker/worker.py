"""``Worker``: claims tasks from its queues and runs up to ``concurrency`` of them at once.

Claiming. The server holds a claim until ``amount`` tasks are won or ``block_for`` runs out (Tasques'
semantics), so one long-poll for every free slot would sit on the first task that arrives until the
rest arrive or the poll ends. The loop therefore asks for all free slots without blocking (one request
for a whole batch whenever tasks are waiting) and, only when that finds nothing, long-polls for one
task, which the server hands over the moment it arrives; the next pass fills the remaining slots.

Stopping (``stop()``, SIGTERM or SIGINT under ``run()``): no further claims; an open long-poll is
abandoned (the server hands back what it had won for a request that went away); handlers see
``ctx.stopping`` and get ``grace_period`` to finish and end their tasks normally; tasks still running
after that are handed back with an unclaim (the attempt is refunded, the last checkpoint kept) and
their async handlers are cancelled. Sync handlers' threads cannot be interrupted: they see
``ctx.cancelled``, their results are ignored, and the process exits once they return.
"""

import asyncio
import contextlib
import logging
import os
import signal
import socket
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from tasques_client import Client

from tasques_worker.context import TaskContext, wait_for_event
from tasques_worker.durations import parse_go_duration
from tasques_worker.errors import ServerUnavailable
from tasques_worker.metrics import PrometheusWorkerMetrics, WorkerMetrics
from tasques_worker.protocol import ClaimedTask, WorkerProtocol
from tasques_worker.runner import Handler, RunSettings, TaskRun

logger = logging.getLogger("tasques_worker")
HandlerT = TypeVar("HandlerT", bound=Handler)
# How long handed-back tasks may take to reach the server once the grace period is over.
HAND_BACK_TIMEOUT_SECONDS = 10.0
CLAIM_RETRY_DELAYS = (0.2, 0.5, 1.0, 2.0, 5.0)


def _duration(value: timedelta | float | str) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, str):
        return parse_go_duration(value)
    return timedelta(seconds=value)


def default_worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Worker:
    def __init__(
        self,
        base_url: str,
        *,
        queues: Sequence[str],
        handlers: Mapping[str, Handler] | None = None,
        worker_id: str | None = None,
        concurrency: int = 1,
        block_for: timedelta | float | str = "5s",
        heartbeat_fraction: float = 1 / 3,
        min_heartbeat_interval: timedelta | float | str = "100ms",
        grace_period: timedelta | float | str = "30s",
        request_timeout: timedelta | float | str = "30s",
        api_key: str | None = None,
        headers: Mapping[str, str] | None = None,
        metrics_registry: Any = None,
    ) -> None:
        """``block_for`` and the other durations take a ``timedelta``, seconds or a Go string ("5s").
        ``heartbeat_fraction`` of each task's ``processing_timeout`` separates its heartbeats.
        ``api_key`` is sent as ``X-TASQUES-API-KEY`` (it needs the ``work`` scope); ``headers`` go with
        every request. ``metrics_registry`` is a ``prometheus_client.CollectorRegistry`` to record into."""
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        if not 0 < heartbeat_fraction < 1:
            raise ValueError("heartbeat_fraction must be between 0 and 1")
        self.base_url = base_url
        self.queues = list(queues)
        self.worker_id = worker_id or default_worker_id()
        self.concurrency = concurrency
        self.block_for = _duration(block_for)
        self.grace_period = _duration(grace_period)
        self._request_timeout = _duration(request_timeout).total_seconds()
        self._headers = dict(headers or {})
        if api_key is not None:
            self._headers["X-TASQUES-API-KEY"] = api_key
        self._handlers: dict[str, Handler] = dict(handlers or {})
        self._run_settings = RunSettings(
            heartbeat_fraction=heartbeat_fraction, min_heartbeat_interval=_duration(min_heartbeat_interval)
        )
        self._metrics = (
            WorkerMetrics() if metrics_registry is None else PrometheusWorkerMetrics(metrics_registry)
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop_requested = False
        self._stop = asyncio.Event()
        self._running: dict[asyncio.Task[None], TaskRun] = {}

    # -- handlers ---------------------------------------------------------------------------------
    def handler(self, kind: str) -> Callable[[HandlerT], HandlerT]:
        """Decorator: ``@worker.handler("render")`` over an ``async def`` or a plain ``def``."""

        def register(function: HandlerT) -> HandlerT:
            self.add_handler(kind, function)
            return function

        return register

    def add_handler(self, kind: str, function: Handler) -> None:
        if kind in self._handlers:
            raise ValueError(f"a handler for kind {kind!r} is already registered")
        self._handlers[kind] = function

    # -- lifecycle --------------------------------------------------------------------------------
    @property
    def in_flight(self) -> int:
        return len(self._running)

    def stop(self) -> None:
        """Ask the worker to stop gracefully; callable from any thread, any number of times."""
        self._stop_requested = True
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._stop.set)

    def run(self) -> None:
        """Blocking entry point for a worker process: serves until SIGTERM or SIGINT, then drains."""
        asyncio.run(self.serve(handle_signals=True))

    async def serve(self, *, handle_signals: bool = False) -> None:
        # In this order, a stop() from another thread is never lost: it either sees the loop and sets
        # the new event, or leaves only the flag, which is read after the loop is published.
        self._stop = asyncio.Event()
        self._loop = asyncio.get_running_loop()
        if self._stop_requested:
            self._stop.set()
        timeout = httpx.Timeout(self._request_timeout + self.block_for.total_seconds(), connect=10.0)
        executor = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="tasques-handler")
        try:
            async with Client(base_url=self.base_url, timeout=timeout, headers=self._headers) as client:
                protocol = WorkerProtocol(client, worker_id=self.worker_id)
                with self._signals_handled(enabled=handle_signals):
                    try:
                        await self._claim_loop(protocol, executor)
                    finally:
                        await self._drain()
        finally:
            executor.shutdown(wait=False, cancel_futures=True)
            self._loop = None

    # -- claiming ---------------------------------------------------------------------------------
    async def _claim_loop(self, protocol: WorkerProtocol, executor: ThreadPoolExecutor) -> None:
        logger.info(
            "worker %s claiming from %s, concurrency %d", self.worker_id, self.queues, self.concurrency
        )
        failures = 0
        while not self._stop.is_set():
            free = self.concurrency - len(self._running)
            if free == 0:
                await self._until_stopped_or(*self._running)
                continue
            try:
                claimed = await self._claim_unless_stopped(protocol, free)
            except ServerUnavailable as error:
                delay = CLAIM_RETRY_DELAYS[min(failures, len(CLAIM_RETRY_DELAYS) - 1)]
                failures += 1
                logger.warning("claim failed, retrying in %gs: %s", delay, error)
                await wait_for_event(self._stop, delay)
                continue
            failures = 0
            if self._stop.is_set():  # won in the same instant as the stop: hand them straight back
                await asyncio.gather(*(protocol.unclaim(task) for task in claimed), return_exceptions=True)
                break
            for task in claimed:
                self._start(task, protocol, executor)

    async def _claim_unless_stopped(self, protocol: WorkerProtocol, free: int) -> list[ClaimedTask]:
        """A non-blocking claim for every free slot; if it finds nothing, a long-poll for one task that
        a stop request abandons. Only the long-poll is abandoned: the server hands back what it had won
        for a blocked request whose client went away, but not for a one-pass claim."""
        claimed = await protocol.claim(self.queues, amount=free, block_for=timedelta(0))
        if claimed or self._stop.is_set():
            return claimed
        long_poll = asyncio.create_task(protocol.claim(self.queues, amount=1, block_for=self.block_for))
        await self._until_stopped_or(long_poll)
        if long_poll.done():
            return long_poll.result()
        long_poll.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await long_poll
        return []

    async def _until_stopped_or(self, *futures: "asyncio.Future[Any]") -> None:
        """Waits for the first of ``futures`` to finish or for a stop request; cancels none of them."""
        stopped = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait([*futures, stopped], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()

    # -- running ----------------------------------------------------------------------------------
    def _start(self, task: ClaimedTask, protocol: WorkerProtocol, executor: ThreadPoolExecutor) -> None:
        assert self._loop is not None
        self._metrics.tasks_claimed(task.queue, task.kind)
        ctx = TaskContext(task, loop=self._loop, worker_id=self.worker_id)
        handler = self._handlers.get(task.kind, _no_handler)
        run = TaskRun(
            ctx,
            handler,
            protocol=protocol,
            settings=self._run_settings,
            executor=executor,
            metrics=self._metrics,
        )
        running = asyncio.create_task(run.run(), name=f"tasques task {task.queue}/{task.id}")
        self._running[running] = run
        self._metrics.set_in_flight(len(self._running))
        running.add_done_callback(self._finished)

    def _finished(self, running: "asyncio.Task[None]") -> None:
        self._running.pop(running, None)
        self._metrics.set_in_flight(len(self._running))
        if not running.cancelled() and (error := running.exception()) is not None:
            logger.error("task run %s crashed", running.get_name(), exc_info=error)

    async def _drain(self) -> None:
        self._stop.set()
        if not self._running:
            return
        for run in self._running.values():
            run.ctx.stopping = True
        logger.info("stopping: waiting up to %s for %d task(s)", self.grace_period, len(self._running))
        _, late = await asyncio.wait(list(self._running), timeout=self.grace_period.total_seconds())
        if late:
            logger.warning("grace period over: handing back %d task(s)", len(late))
            for running in late:
                running.cancel()
            await asyncio.wait(late, timeout=HAND_BACK_TIMEOUT_SECONDS)

    @contextlib.contextmanager
    def _signals_handled(self, *, enabled: bool) -> Iterator[None]:
        if not enabled or self._loop is None:
            yield
            return
        signals = (signal.SIGTERM, signal.SIGINT)
        for number in signals:
            self._loop.add_signal_handler(number, self.stop)
        try:
            yield
        finally:
            for number in signals:
                self._loop.remove_signal_handler(number)


def _no_handler(ctx: TaskContext) -> None:
    raise LookupError(f"no handler for kind {ctx.kind!r} on worker {ctx.worker_id}")
