"""The chaos loop: at random intervals, SIGKILL a server (often the leader) or a worker process, or
freeze a worker process for longer than its claims' timeout; bring every victim back.

Killed servers come back on their port after a random pause, in the background, so kills can overlap;
at least ``min_live_servers`` always stay up so the run keeps moving. Killed worker processes restart
at once as a new incarnation (new worker ids, new ledger file). A frozen worker wakes up holding
superseded leases and tries to finish anyway: those late writes must be refused.
"""

import asyncio
import itertools
import random
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from tests.soak.processes import ChildProcess
from tests.soak.servers import ServerFleet, ServerSlot
from tests.soak.worker_fleet import WorkerFleet


@dataclass(frozen=True)
class ChaosSettings:
    mean_interval_seconds: float = 7.0
    server_share: float = 0.55  # of actions; the rest are worker kills and freezes
    freeze_share: float = 0.15
    leader_share: float = 0.5  # of server kills, aimed at whoever leads
    min_live_servers: int = 2
    restart_delay_seconds: tuple[float, float] = (0.5, 4.0)
    # Longer than the quick tasks' timeout (30 s by default) plus a reaper pass, so the frozen worker's
    # claims are timed out and claimed again while it sleeps.
    freeze_seconds: float = 35.0
    # Actions taken first, in order, before the random ones: every run has each kind at least once.
    opening: tuple[str, ...] = ("leader", "freeze", "worker")
    # The loop stops by itself after this many actions (None: only when the harness stops it).
    max_actions: int | None = None


@dataclass
class ChaosLog:
    started: float = field(default_factory=time.monotonic)
    server_kills: int = 0
    leader_kills: int = 0
    worker_kills: int = 0
    freezes: int = 0
    timeline: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def kills(self) -> int:
        return self.server_kills + self.worker_kills

    def note(self, what: str) -> None:
        self.timeline.append(f"{time.monotonic() - self.started:7.1f}s {what}")


class Chaos:
    def __init__(
        self, servers: ServerFleet, workers: WorkerFleet, *, settings: ChaosSettings, rng: random.Random
    ) -> None:
        self._servers = servers
        self._workers = workers
        self._settings = settings
        self._rng = rng
        self._restarting: set[ServerSlot] = set()
        self._background: set[asyncio.Task[None]] = set()
        self._thaws: set[asyncio.Task[None]] = set()
        self.log = ChaosLog()

    async def run(self, stop: asyncio.Event) -> None:
        opening = iter(self._settings.opening)
        for _ in (
            itertools.count() if self._settings.max_actions is None else range(self._settings.max_actions)
        ):
            pause = self._rng.expovariate(1 / self._settings.mean_interval_seconds)
            try:
                await asyncio.wait_for(stop.wait(), min(pause, 3 * self._settings.mean_interval_seconds))
                return
            except TimeoutError:
                pass
            self._revive_crashed()
            await self._act(next(opening, None) or self._random_action())

    def _random_action(self) -> str:
        roll = self._rng.random()
        if roll < self._settings.server_share:
            return "server"
        return "freeze" if roll > 1 - self._settings.freeze_share else "worker"

    async def _act(self, action: str) -> None:
        if action in ("server", "leader") and await self._kill_a_server(leader=action == "leader"):
            return
        if action == "freeze":
            self._freeze_a_worker()
        else:
            self._kill_a_worker()

    async def settle(self) -> None:
        """Thaw frozen workers now; wait for restarts in progress; restart anything still down."""
        for thaw in self._thaws:
            thaw.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)
        for slot in self._workers.slots:
            slot.thaw()
        self._revive_crashed()
        for server in self._servers.slots:
            if not server.child.alive:
                await self._servers.restart(server)

    async def _kill_a_server(self, *, leader: bool) -> bool:
        """False when too few servers are up to kill one."""
        candidates = [slot for slot in self._servers.live if slot not in self._restarting]
        if len(candidates) <= self._settings.min_live_servers:
            return False
        target = None
        if leader or self._rng.random() < self._settings.leader_share:
            target = await self._servers.leader()
        aimed_at_leader = target is not None and target in candidates
        if target is None or target not in candidates:
            target = self._rng.choice(candidates)
        target.child.kill()
        self.log.server_kills += 1
        self.log.leader_kills += int(aimed_at_leader)
        self.log.note(f"SIGKILL {target.name}{' (leader)' if aimed_at_leader else ''}")
        self._restarting.add(target)
        self._in_background(self._restart_later(target))
        return True

    async def _restart_later(self, slot: ServerSlot) -> None:
        try:
            await asyncio.sleep(self._rng.uniform(*self._settings.restart_delay_seconds))
            await self._servers.restart(slot)
            self.log.note(f"restarted {slot.name}")
        except Exception as error:
            self.log.problems.append(f"restarting {slot.name}: {error}")
        finally:
            self._restarting.discard(slot)

    def _kill_a_worker(self) -> None:
        slot = self._rng.choice(self._workers.slots)
        slot.kill()
        self._workers.launch(slot)
        self.log.worker_kills += 1
        self.log.note(f"SIGKILL {slot.name}, restarted as incarnation {slot.incarnation}")

    def _freeze_a_worker(self) -> None:
        awake = [slot for slot in self._workers.live if not slot.frozen]
        if not awake:
            return
        slot = self._rng.choice(awake)
        slot.freeze()
        self.log.freezes += 1
        self.log.note(f"SIGSTOP {slot.name} for {self._settings.freeze_seconds:g}s")
        thaw = self._in_background(self._thaw_later(slot))
        self._thaws.add(thaw)
        thaw.add_done_callback(self._thaws.discard)

    async def _thaw_later(self, slot: ChildProcess) -> None:
        await asyncio.sleep(self._settings.freeze_seconds)
        slot.thaw()

    def _revive_crashed(self) -> None:
        """A process that died without being killed is a finding; note it and bring it back."""
        for worker in self._workers.slots:
            if worker.crashed:
                self.log.problems.append(f"{worker.name} crashed:\n{worker.log_tail()}")
                self._workers.launch(worker)
        for server in self._servers.slots:
            if server.child.crashed and server not in self._restarting:
                self.log.problems.append(f"{server.name} crashed:\n{server.child.log_tail()}")
                self._restarting.add(server)
                self._in_background(self._restart_later(server))

    def _in_background(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task
