"""The soak run: servers on one store, worker processes, the plan, the schedule, chaos, then the verdict.

Phases: start the servers and a recurring schedule; start the workers; enqueue the plan while the chaos
loop kills servers and workers; stop the chaos once every planned task is final and enough kills
happened (or the time budget is spent); let everything come back and drain; pause the schedule and let
its last fires finish; stop the workers gracefully; scan the store and read the ledgers. Whatever
happens, every child process is stopped (and the Elasticsearch prefix removed) before returning.
"""

import asyncio
import random
import tempfile
import time
from collections.abc import Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.soak.backend import SoakBackend, choose_backend
from tests.soak.chaos import Chaos, ChaosLog, ChaosSettings
from tests.soak.engine_node import engine_for_soak
from tests.soak.fires import FireVerdict, check_fires
from tests.soak.leadership import LeaderWatch
from tests.soak.ledger import summarise
from tests.soak.plan import FIRE_QUEUE, QUEUES, RECURRING_ID, Timeouts, plan_tasks
from tests.soak.processes import environment_without_tasques
from tests.soak.producer import EnqueueLog, create_schedule, enqueue_plan, pause_schedule
from tests.soak.ring import ServerRing
from tests.soak.servers import ServerFleet
from tests.soak.verify import Verdict, check_tasks, scan_queue
from tests.soak.worker_fleet import WorkerFleet

REPOSITORY_ROOT = Path(__file__).resolve().parents[2]
PROGRESS_POLL_SECONDS = 2.0
NOT_FINAL = ("queued", "claimed", "failed")

# Shrunk so the chaos has effects within seconds: a 2 s leader lease, a frequent reaper and scheduler,
# retries after tens of milliseconds, finished tasks archived after 20 s.
SERVER_SETTINGS = {
    "TASQUES_MAINTENANCE__LEADER__LEASE": "2s",
    "TASQUES_MAINTENANCE__LEADER__RENEW_INTERVAL": "250ms",
    "TASQUES_MAINTENANCE__LEADER__SAFETY_MARGIN": "500ms",
    "TASQUES_MAINTENANCE__REAPER__INTERVAL": "500ms",
    "TASQUES_MAINTENANCE__SCHEDULER__INTERVAL": "250ms",
    "TASQUES_MAINTENANCE__ARCHIVER__INTERVAL": "1s",
    "TASQUES_MAINTENANCE__ARCHIVER__ARCHIVE_AFTER": "20s",
    "TASQUES_MAINTENANCE__ARCHIVER__BATCH_SIZE": "1000",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__STRATEGY": "exponential",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__BASE": "20ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__MAX": "200ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__JITTER": "0",
    "TASQUES_TASKS__LIMITS__CLAIM_RECHECK_INTERVAL": "100ms",
    "TASQUES_SERVER__SHUTDOWN_TIMEOUT": "3s",
    "TASQUES_SERVER__RETRY_AFTER_SECONDS": "1",
    "TASQUES_OBSERVABILITY__LOG_FORMAT": "text",
}


@dataclass(frozen=True)
class SoakConfig:
    # 50k fit the 5-minute bound on a 2-core machine (about 4 minutes); --tasks 100000 runs the full
    # scale (about 8 minutes there).
    tasks: int = 50_000
    servers: int = 4
    worker_processes: int = 5
    workers_per_process: int = 10
    claim_amount: int = 20
    # Workers claim from all three soak queues in one request, as a worker serving several queues does;
    # True makes each claim name one queue, in turn.
    one_queue_per_claim: bool = False
    # The chaos phase ends once every task is final and at least min_kills happened, or at the budget.
    budget_seconds: float = 300.0
    min_kills: int = 20
    # The drain after the chaos gives up once no task became final for this long.
    drain_seconds: float = 60.0
    chaos: ChaosSettings = field(default_factory=ChaosSettings)
    timeouts: Timeouts = field(default_factory=Timeouts)
    seed: int = 1
    directory: Path | None = None
    extra_server_settings: Mapping[str, str] = field(default_factory=dict)
    # On a search engine: TASQUES_TEST_ES_URL's cluster, or an OpenSearch node started for the run.
    engine: bool = False


@dataclass
class SoakResult:
    config: SoakConfig
    backend: str
    directory: Path
    verdict: Verdict
    fires: FireVerdict
    chaos: ChaosLog
    failovers: int
    longest_leaderless_seconds: float
    overlapping_leader_polls: int
    enqueue: EnqueueLog
    phases: dict[str, float]
    harness_problems: list[str]
    ledger_problems: list[str]

    @property
    def problems(self) -> list[str]:
        return [
            *self.verdict.problems,
            *self.fires.problems,
            *self.enqueue.problems,
            *self.harness_problems,
            *self.ledger_problems,
            *self.chaos.problems,
        ]

    @property
    def ok(self) -> bool:
        return not self.problems


async def run_soak(config: SoakConfig) -> SoakResult:
    directory = config.directory or Path(tempfile.mkdtemp(prefix="tasques-soak-"))
    directory.mkdir(parents=True, exist_ok=True)
    async with AsyncExitStack() as cleanup:
        # Stopped last: after the processes and the prefix's indices.
        await cleanup.enter_async_context(engine_for_soak(config.engine))
        backend = choose_backend(directory)
        backend.settings.update({**SERVER_SETTINGS, **config.extra_server_settings})
        run = SoakRun(config, directory, backend)
        cleanup.push_async_callback(backend.clean_up)
        await backend.prepare(directory)
        cleanup.push_async_callback(run.stop_processes)
        return await run.execute()


class SoakRun:
    def __init__(self, config: SoakConfig, directory: Path, backend: SoakBackend) -> None:
        self.config = config
        self.directory = directory
        self.backend = backend
        self.plan = plan_tasks(config.tasks, seed=config.seed, timeouts=config.timeouts)
        self.servers = ServerFleet(directory, environment_without_tasques(backend.settings), config.servers)
        ledgers = directory / "ledger"
        ledgers.mkdir(exist_ok=True)
        self.workers = WorkerFleet(
            directory=directory,
            ledger_directory=ledgers,
            # The workers run ``python -m tests.soak.worker`` from the run's directory.
            environment=environment_without_tasques({"PYTHONPATH": str(REPOSITORY_ROOT)}),
            processes=config.worker_processes,
            workers_per_process=config.workers_per_process,
            claim_amount=config.claim_amount,
            queues=[*QUEUES, FIRE_QUEUE],
            base_urls=self.servers.base_urls,
            seed=config.seed,
            one_queue_per_claim=config.one_queue_per_claim,
        )
        self.chaos = Chaos(self.servers, self.workers, settings=config.chaos, rng=random.Random(config.seed))
        self.watch = LeaderWatch(self.servers)
        self.phases: dict[str, float] = {}
        self.problems: list[str] = []
        self._phase_started = time.monotonic()

    def _phase(self, name: str) -> None:
        now = time.monotonic()
        self.phases[name] = now - self._phase_started
        self._phase_started = now

    async def execute(self) -> SoakResult:
        await self.servers.start_all()
        ring = ServerRing(self.servers.base_urls)
        try:
            await create_schedule(ring, processing_timeout=f"{self.config.timeouts.quick:g}s")
            self.workers.start_all()
            self._phase("start")
            enqueue = await self._chaos_phase(ring)
            await self._drain(ring)
            definition = await self._finish_schedule(ring)
            stuck = await asyncio.to_thread(self.workers.stop_all)
            self.problems += [f"{name} ignored SIGTERM" for name in stuck]
            self._phase("drain")
            result = await self._verify(ring, definition, enqueue)
        finally:
            await ring.aclose()
        return result

    async def _chaos_phase(self, ring: ServerRing) -> EnqueueLog:
        """Enqueue and work under chaos until everything enqueued is final and enough kills happened,
        or the budget is spent (then the rest of the plan is never enqueued, and the run says so)."""
        stop = asyncio.Event()
        chaos = asyncio.create_task(self.chaos.run(stop))
        watch = asyncio.create_task(self.watch.run(stop))
        producer = asyncio.create_task(enqueue_plan(ring, self.plan, stop=stop))
        deadline = self._phase_started + self.config.budget_seconds
        while time.monotonic() < deadline:
            enough_kills = self.chaos.log.kills >= self.config.min_kills
            if producer.done() and enough_kills and await self._outstanding(ring) == 0:
                break
            await asyncio.sleep(PROGRESS_POLL_SECONDS)
        stop.set()
        enqueue = await producer
        await chaos
        await self.chaos.settle()
        await watch
        (self.directory / "chaos-timeline.txt").write_text("\n".join(self.chaos.log.timeline) + "\n")
        if len(enqueue.enqueued) < len(self.plan):
            self.problems.append(
                f"the {self.config.budget_seconds:g}s budget ran out with {len(enqueue.enqueued):,} of "
                f"{len(self.plan):,} tasks enqueued: the servers were too slow (see the phases)"
            )
        self._phase("chaos")
        return enqueue

    async def _outstanding(self, ring: ServerRing, queues: tuple[str, ...] = QUEUES) -> int:
        response = await ring.request("GET", "/queues")
        counts = [queue["counts"] for queue in response.json()["queues"] if queue["queue"] in queues]
        return sum(count.get(state, 0) for count in counts for state in NOT_FINAL)

    async def _drain(self, ring: ServerRing, queues: tuple[str, ...] = QUEUES) -> None:
        """Wait until nothing in ``queues`` is left to do. Give up after ``drain_seconds`` without
        progress (stuck), or after as long again as the chaos budget (too slow a machine for the plan);
        what is left is then counted lost by the verdict, and the reason is a problem of its own."""
        started = best_at = time.monotonic()
        best: int | None = None
        while outstanding := await self._outstanding(ring, queues):
            now = time.monotonic()
            if best is None or outstanding < best:
                best, best_at = outstanding, now
            if now - best_at > self.config.drain_seconds:
                self.problems.append(
                    f"{outstanding:,} tasks of {queues} stuck: none final for {now - best_at:.0f}s"
                )
                return
            if now - started > self.config.budget_seconds:
                self.problems.append(
                    f"{outstanding:,} tasks of {queues} still not final {now - started:.0f}s after the chaos "
                    "(still progressing: this machine is too slow for the plan; try fewer --tasks)"
                )
                return
            await asyncio.sleep(PROGRESS_POLL_SECONDS / 2)

    async def _finish_schedule(self, ring: ServerRing) -> dict[str, Any]:
        """Pause the schedule, let a pass that raced the pause land, and wait for the last fires."""
        await pause_schedule(ring)
        await asyncio.sleep(1.0)
        await self._drain(ring, (FIRE_QUEUE,))
        response = await ring.request("GET", f"/recurring_tasques/{RECURRING_ID}")
        definition: dict[str, Any] = response.json()
        return definition

    async def _scan(self, ring: ServerRing, enqueue: EnqueueLog) -> dict[str, list[dict[str, Any]]]:
        """Every task, live and archived. On a search engine the archiver keeps moving tasks while the
        scan runs and search lags writes by a refresh, so a task can show twice (copy and live document)
        or not at all for a moment: such tasks are scanned again after a refresh, up to three times, and
        only what persists counts."""
        stored: dict[str, list[dict[str, Any]]] = {}
        for queue in QUEUES:
            stored.update(await scan_queue(ring, queue))
        planned = {planned.id for planned in self.plan if planned.id in enqueue.enqueued}
        for _ in range(3):
            suspects = {task_id for task_id in planned if len(stored.get(task_id, [])) != 1}
            if not suspects or self.backend.index_prefix is None:
                break
            await self.backend.make_searchable()
            for queue in QUEUES:
                rescanned = await scan_queue(ring, queue)
                stored.update({task_id: rows for task_id, rows in rescanned.items() if task_id in suspects})
        return stored

    async def _verify(self, ring: ServerRing, definition: dict[str, Any], enqueue: EnqueueLog) -> SoakResult:
        stored = await self._scan(ring, enqueue)
        fire_tasks = await scan_queue(ring, FIRE_QUEUE)
        ledger = summarise(self.workers.ledger_directory)
        enqueued = [planned for planned in self.plan if planned.id in enqueue.enqueued]
        verdict = check_tasks(enqueued, stored, ledger, all_planned={planned.id for planned in self.plan})
        fires = check_fires(definition, fire_tasks, ledger)
        self._phase("verify")
        return SoakResult(
            config=self.config,
            backend=self.backend.name,
            directory=self.directory,
            verdict=verdict,
            fires=fires,
            chaos=self.chaos.log,
            failovers=self.watch.failovers,
            longest_leaderless_seconds=self.watch.longest_leaderless_seconds,
            overlapping_leader_polls=self.watch.overlapping_polls,
            enqueue=enqueue,
            phases=dict(self.phases),
            harness_problems=self.problems,
            ledger_problems=[*ledger.duplicate_leases, *ledger.unexpected_answers],
        )

    async def stop_processes(self) -> None:
        """Runs after the result is built; what it finds lands in the result's (shared) problem list."""
        for fleet in (self.workers, self.servers):
            stuck = await asyncio.to_thread(fleet.stop_all)
            self.problems += [f"{name} ignored SIGTERM" for name in stuck]
