"""Starts the leader-only services on election and cancels them on demotion; runs the elector loop."""

import asyncio
import contextlib
import logging
import random
from collections.abc import Sequence

from app.clock import Clock
from app.maintenance.elector import LeaderElector, Role
from app.maintenance.periodic import PeriodicService, run_periodically

_log = logging.getLogger(__name__)


class LeaderSupervisor:
    def __init__(self, services: Sequence[PeriodicService], *, clock: Clock, rng: random.Random) -> None:
        self._services = list(services)
        self._clock = clock
        self._rng = rng
        self._running: list[asyncio.Task[None]] = []
        self._stop = asyncio.Event()

    @property
    def running_services(self) -> list[str]:
        return [task.get_name() for task in self._running if not task.done()]

    async def leadership_changed(self, role: Role) -> None:
        if role is Role.LEADER:
            self._start_services()
        else:
            await self.stop_services()

    def _start_services(self) -> None:
        self._stop = asyncio.Event()
        self._running = [
            asyncio.create_task(
                run_periodically(service, clock=self._clock, rng=self._rng, stop=self._stop),
                name=f"leader-service:{service.name}",
            )
            for service in self._services
        ]

    async def stop_services(self) -> None:
        """Ask the loops to stop between passes; cancel any pass still running after that."""
        self._stop.set()
        running, self._running = self._running, []
        if not running:
            return
        _done, pending = await asyncio.wait(running, timeout=1.0)
        for task in pending:
            task.cancel()
        for task in pending:
            with contextlib.suppress(asyncio.CancelledError):
                await task


class Maintenance:
    """The elector loop plus the supervisor, started and stopped by the application's lifespan."""

    def __init__(
        self, elector: LeaderElector, supervisor: LeaderSupervisor, *, renew_interval: float
    ) -> None:
        self.elector = elector
        self.supervisor = supervisor
        self._renew_interval = renew_interval
        self._stop = asyncio.Event()
        self._loop: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._stop = asyncio.Event()
        self._loop = asyncio.create_task(self._run(), name="leader-elector")

    async def _run(self) -> None:
        while not self._stop.is_set():
            try:
                await self.elector.tick()
            except Exception:
                _log.exception("leader elector tick failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._renew_interval):
                    await self._stop.wait()

    async def stop(self) -> None:
        self._stop.set()
        if self._loop is not None:
            await self._loop
        await self.supervisor.stop_services()
        await self.elector.resign()
