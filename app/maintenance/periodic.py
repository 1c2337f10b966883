"""The one loop every periodic service runs in: start jitter, pacing on the monotonic clock, logging
only when a pass did work, and errors that end the pass but never the loop."""

import asyncio
import contextlib
import logging
import random
from dataclasses import dataclass
from datetime import timedelta
from typing import Protocol

from opentelemetry import trace

from app.clock import Clock
from app.domain.errors import TasquesError

_log = logging.getLogger(__name__)
_tracer = trace.get_tracer("tasques.maintenance")


@dataclass(frozen=True)
class PassResult:
    work_done: int
    summary: str


class PeriodicService(Protocol):
    name: str
    interval: timedelta

    async def run_once(self) -> PassResult: ...


async def run_periodically(
    service: PeriodicService,
    *,
    clock: Clock,
    rng: random.Random,
    stop: asyncio.Event,
    start_jitter: float = 0.2,
) -> None:
    interval = service.interval.total_seconds()
    if await _stopped_within(stop, rng.uniform(0, interval * start_jitter)):
        return
    while True:
        started = clock.monotonic()
        await run_pass(service)
        if await _stopped_within(stop, max(0.0, interval - (clock.monotonic() - started))):
            return


async def run_pass(service: PeriodicService) -> PassResult | None:
    try:
        with _tracer.start_as_current_span(f"maintenance.{service.name}") as span:
            result = await service.run_once()
            span.set_attribute("tasques.work_done", result.work_done)
    except TasquesError as error:
        _log.warning("%s: pass failed: %s", service.name, error.message)
        return None
    except Exception:
        _log.exception("%s: pass failed unexpectedly", service.name)
        return None
    if result.work_done:
        _log.info("%s: %s", service.name, result.summary)
    return result


async def _stopped_within(stop: asyncio.Event, seconds: float) -> bool:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()
    return stop.is_set()
