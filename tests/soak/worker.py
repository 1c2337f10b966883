"""A soak worker process: ``python -m tests.soak.worker CONFIG_JSON`` runs asyncio workers until SIGTERM.

Each worker long-polls claims, records every claim and handler run in the ledger, and plays each
task's script: quick tasks run together and finish in one ``POST /tasques/batch/finish`` (or, for a share
of rounds, one PUT each), slow ones (heartbeats, cancellation, hand-backs, stalls) run on their own
while the worker claims more. SIGTERM stops claiming and lets work in hand finish; SIGKILL, the harness's
usual way to stop one, loses whatever was in flight, which is the point.
"""

import asyncio
import itertools
import json
import random
import signal
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.soak.ledger import LedgerWriter
from tests.soak.plan import TaskScript
from tests.soak.ring import ServerRing
from tests.soak.slow_tasks import WORKER_HEADER, TaskRun, finish_one, run_slow

JsonObject = dict[str, Any]
BLOCK_FOR = "1s"
# This share of quick rounds finishes task by task through PUT /tasques/{done,failed}/..., the rest in
# one batch request.
SINGLE_REQUEST_SHARE = 0.1


@dataclass(frozen=True)
class WorkerProcessConfig:
    name: str  # unique per incarnation, so worker ids never repeat across restarts
    base_urls: list[str]
    ledger_path: str
    workers: int
    claim_amount: int
    queues: list[str]
    seed: int
    # Each claim names one queue, in turn, instead of all of them (see SoakConfig).
    one_queue_per_claim: bool = False

    def to_argument(self) -> str:
        return json.dumps(asdict(self))


class Worker:
    def __init__(
        self, worker_id: str, ring: ServerRing, ledger: LedgerWriter, config: WorkerProcessConfig
    ) -> None:
        self.id = worker_id
        self._ring = ring
        self._ledger = ledger
        self._config = config
        self._rng = random.Random(f"{config.seed}:{worker_id}")
        self._slow: set[asyncio.Task[None]] = set()
        self._claims = itertools.count(self._rng.randrange(len(config.queues)))

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            room = self._config.claim_amount - len(self._slow)
            if room <= 0:
                await asyncio.wait(self._slow, return_when=asyncio.FIRST_COMPLETED)
                continue
            quick: list[TaskRun] = []
            for task in await self._claim(room):
                run = TaskRun(task, TaskScript.from_args(task.get("args")), self.id, self._ring, self._ledger)
                self._ledger.record(
                    "claim", t=run.id, q=run.queue, l=run.lease, a=task["attempted"], w=self.id
                )
                if run.script.slow:
                    slow = asyncio.create_task(run_slow(run))
                    self._slow.add(slow)
                    slow.add_done_callback(self._slow.discard)
                else:
                    quick.append(run)
            if quick:
                await self._run_quick(quick)
        await asyncio.gather(*self._slow)

    async def _claim(self, amount: int) -> list[JsonObject]:
        queues = self._config.queues
        if self._config.one_queue_per_claim:
            queues = [queues[next(self._claims) % len(queues)]]
        body = {"queues": queues, "amount": amount, "block_for": BLOCK_FOR}
        response = await self._ring.request(
            "POST", "/tasques/claims", json=body, headers={WORKER_HEADER: self.id}
        )
        if response.status_code != 200:
            print(f"{self.id}: claim answered {response.status_code} {response.text}", file=sys.stderr)
            await asyncio.sleep(0.5)
            return []
        tasks: list[JsonObject] = response.json()
        return tasks

    async def _run_quick(self, runs: list[TaskRun]) -> None:
        for run in runs:
            self._ledger.record("run", t=run.id, l=run.lease)
        await asyncio.gather(*(asyncio.sleep(run.script.duration_ms / 1000) for run in runs))
        if self._rng.random() < SINGLE_REQUEST_SHARE:
            await asyncio.gather(*(finish_one(run, run.quick_outcome()) for run in runs))
            return
        await self._finish_batch(runs)

    async def _finish_batch(self, runs: list[TaskRun]) -> None:
        items = [
            {
                "queue": run.queue,
                "id": run.id,
                "outcome": run.quick_outcome(),
                "lease_token": run.lease,
                "data": run.outcome_data(),
            }
            for run in runs
        ]
        response = await self._ring.request(
            "POST", "/tasques/batch/finish", json={"items": items}, headers={WORKER_HEADER: self.id}
        )
        if response.status_code != 200:
            for run in runs:
                run.record_answer(run.quick_outcome(), response)
            return
        for run, item in zip(runs, response.json()["results"], strict=True):
            error = item.get("error") or {}
            state = (item.get("task") or {}).get("state")
            run.record(run.quick_outcome(), item["status"], code=error.get("error"), state=state)


async def run_process(config: WorkerProcessConfig) -> None:
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    ring = ServerRing(config.base_urls, start=random.randrange(len(config.base_urls)))
    ledger = LedgerWriter(Path(config.ledger_path))
    try:
        workers = [
            Worker(f"{config.name}-w{number}", ring, ledger, config) for number in range(config.workers)
        ]
        await asyncio.gather(*(worker.run(stop) for worker in workers))
    finally:
        await ring.aclose()
        ledger.close()


def main() -> None:
    config = WorkerProcessConfig(**json.loads(sys.argv[1]))
    try:
        asyncio.run(run_process(config))
    except httpx.HTTPError as error:
        print(f"{config.name}: {error!r}", file=sys.stderr)
        raise


if __name__ == "__main__":
    main()
