"""One claimed task, from the handler call to the one call that ends it.

While the handler runs, a heartbeat loop reports every ``processing_timeout * heartbeat_fraction`` (and
at once after ``ctx.checkpoint``), carrying the latest progress and any unsent checkpoint; a heartbeat
answer with ``cancel_requested`` sets the context's cancellation flag. The ending follows from what the
handler did:

=====================================  =============================================================
handler                                call
=====================================  =============================================================
returns (no cancel request seen)       PUT /tasques/done with the returned mapping as data
raises (no cancel request seen)        PUT /tasques/failed with ``{"error", "error_type"}``: the server
                                       re-queues it with backoff while attempts remain, else dead
raises ``GiveUp``                      PUT /tasques/cancelled: ends now, never retried
a cancel request was seen              PUT /tasques/cancelled, whatever the handler returned or raised
the lease was lost                     nothing: the server no longer takes this worker's word
the worker's grace period ran out      DELETE /tasques/claims (unclaim): queued again, attempt refunded
=====================================  =============================================================

Before a failure, cancellation or unclaim, an unsent checkpoint is flushed with one last heartbeat so
the next attempt gets it.
"""

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

from tasques_worker.context import TaskContext, wait_for_event
from tasques_worker.errors import GiveUp, LeaseLost, RequestRejected, ServerUnavailable, TaskCancelled
from tasques_worker.metrics import WorkerMetrics
from tasques_worker.protocol import JsonObject, WorkerProtocol

Handler = Callable[[TaskContext], Any]
logger = logging.getLogger("tasques_worker")


@dataclass(frozen=True, kw_only=True)
class RunSettings:
    heartbeat_fraction: float
    min_heartbeat_interval: timedelta
    # Attempts at the call that ends a task when the server is unreachable; after them the task is left
    # to its processing timeout (and so to a retry).
    finish_attempts: int = 4
    finish_retry_delay: timedelta = timedelta(milliseconds=250)


@dataclass(frozen=True)
class Ending:
    outcome: Literal["done", "failed", "cancelled", "given_up"]
    data: JsonObject | None


class TaskRun:
    def __init__(
        self,
        ctx: TaskContext,
        handler: Handler,
        *,
        protocol: WorkerProtocol,
        settings: RunSettings,
        executor: Executor,
        metrics: WorkerMetrics,
    ) -> None:
        self.ctx = ctx
        self._handler = handler
        self._protocol = protocol
        self._settings = settings
        self._executor = executor
        self._metrics = metrics
        self._report_lock = asyncio.Lock()
        self._lease_lost = False

    @property
    def heartbeat_interval(self) -> float:
        interval = self.ctx.task.processing_timeout * self._settings.heartbeat_fraction
        return max(interval, self._settings.min_heartbeat_interval).total_seconds()

    async def run(self) -> None:
        """Cancelling this coroutine (the worker's grace period ran out) hands the task back."""
        heartbeats = asyncio.create_task(self._heartbeat_loop(), name=f"tasques heartbeat {self.ctx.id}")
        started = time.monotonic()
        try:
            ending = await self._call_handler()
        except asyncio.CancelledError:
            self.ctx._mark_cancelled("worker stopped")  # cooperative sync handlers can wind down
            await _stopped(heartbeats)
            await self._hand_back()
            raise
        finally:
            self._metrics.handler_finished(self.ctx.kind, time.monotonic() - started)
        await _stopped(heartbeats)
        await self._end(ending)

    async def _call_handler(self) -> Ending:
        try:
            if inspect.iscoroutinefunction(self._handler):
                result = await self._handler(self.ctx)
            else:
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(self._executor, self._handler, self.ctx)
                if inspect.isawaitable(result):  # e.g. a lambda returning a coroutine
                    result = await result
        except GiveUp as give_up:
            return Ending("given_up", {**give_up.data, "give_up": True, "error": give_up.message})
        except TaskCancelled as cancelled:
            return Ending("cancelled", {"error": str(cancelled), "error_type": "TaskCancelled"})
        except Exception as error:
            self.ctx.logger.warning("task %s (%s) failed", self.ctx.id, self.ctx.kind, exc_info=error)
            data = {"error": str(error) or type(error).__name__, "error_type": type(error).__name__}
            return Ending("cancelled" if self.ctx.cancelled else "failed", data)
        return Ending("cancelled" if self.ctx.cancelled else "done", _result_data(result))

    async def _heartbeat_loop(self) -> None:
        wanted = self.ctx._heartbeat_wanted
        while not self._lease_lost:
            await wait_for_event(wanted, self.heartbeat_interval)
            wanted.clear()
            await self._heartbeat()

    async def _heartbeat(self) -> None:
        async with self._report_lock:
            checkpoint = self.ctx._pending_checkpoint
            try:
                cancel_requested = await self._protocol.report(
                    self.ctx.task, data=self.ctx._progress, checkpoint=checkpoint
                )
            except LeaseLost as lost:
                self._lose_lease(lost)
                return
            except ServerUnavailable as error:
                self._metrics.heartbeat_failed()
                logger.warning("heartbeat for task %s failed, retrying: %s", self.ctx.id, error)
                return
            except RequestRejected as error:
                logger.error("heartbeat for task %s rejected, checkpoint dropped: %s", self.ctx.id, error)
                cancel_requested = False
            if self.ctx._pending_checkpoint is checkpoint:
                self.ctx._pending_checkpoint = None
        if cancel_requested:
            self.ctx._mark_cancelled("cancel requested")

    async def _flush_checkpoint(self) -> None:
        if self.ctx._pending_checkpoint is not None and not self._lease_lost:
            await self._heartbeat()

    async def _end(self, ending: Ending) -> None:
        if self._lease_lost:
            return  # counted when it was lost
        if ending.outcome != "done":
            await self._flush_checkpoint()
        call = {
            "done": self._protocol.done,
            "failed": self._protocol.failed,
            "cancelled": self._protocol.cancelled,
            "given_up": self._protocol.cancelled,
        }[ending.outcome]
        if await self._send_ending(ending.outcome, lambda: call(self.ctx.task, ending.data)):
            self._metrics.task_ended(self.ctx.kind, ending.outcome)

    async def _hand_back(self) -> None:
        await self._flush_checkpoint()
        if not self._lease_lost and await self._send_ending(
            "unclaim", lambda: self._protocol.unclaim(self.ctx.task)
        ):
            self._metrics.task_ended(self.ctx.kind, "handed_back")

    async def _send_ending(self, what: str, send: Callable[[], Awaitable[None]]) -> bool:
        delay = self._settings.finish_retry_delay.total_seconds()
        for attempt in range(1, self._settings.finish_attempts + 1):
            try:
                await send()
                return True
            except LeaseLost as lost:
                self._lose_lease(lost)
                return False
            except RequestRejected as error:
                logger.error("%s of task %s rejected: %s", what, self.ctx.id, error)
                return False
            except ServerUnavailable as error:
                if attempt == self._settings.finish_attempts:
                    logger.error(
                        "%s of task %s not delivered, left to its timeout: %s", what, self.ctx.id, error
                    )
                    return False
                await asyncio.sleep(delay * 2 ** (attempt - 1))
        return False

    def _lose_lease(self, lost: LeaseLost) -> None:
        if not self._lease_lost:
            logger.warning("task %s: lease lost (%s); its result will not be sent", self.ctx.id, lost)
            self._metrics.task_ended(self.ctx.kind, "lease_lost")
        self._lease_lost = True
        self.ctx._mark_cancelled("lease lost")


def _result_data(result: object) -> JsonObject | None:
    if result is None:
        return None
    if isinstance(result, Mapping):
        return dict(result)
    return {"result": result}


async def _stopped(task: "asyncio.Task[None]") -> None:
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
