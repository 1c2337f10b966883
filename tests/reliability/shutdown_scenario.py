"""The graceful-shutdown scenario: SIGTERM the leader while workers long-poll and finish tasks through it.

Three real servers on one SQLite file; A leads. A producer enqueues a task every 20 ms through B, so the
workers' long-polls on A (for 2 or 1000 tasks, ``block_for`` 10 s, longer than A's 2 s shutdown timeout)
hold what they won so far. Each worker finishes its tasks through A too, and once A refuses
it, through B and C. A few enqueue-and-wait requests are also held open on A. Then A gets SIGTERM. The scenario records every request sent to A and how it
ended, when A exited, when B or C took over the leadership, and afterwards every task's final state and
attempt history, for the tests to judge.
"""

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from tests.acceptance.conftest import TasquesServer

JsonObject = dict[str, Any]
QUEUE = "graceful-shutdown"
SHUTDOWN_TIMEOUT_SECONDS = 2.0
LEASE_SECONDS, RENEW_SECONDS = 8.0, 0.25
SETTINGS = {
    "TASQUES_SERVER__SHUTDOWN_TIMEOUT": "2s",
    "TASQUES_MAINTENANCE__LEADER__LEASE": "8s",
    "TASQUES_MAINTENANCE__LEADER__RENEW_INTERVAL": "250ms",
    "TASQUES_MAINTENANCE__LEADER__SAFETY_MARGIN": "1s",
    "TASQUES_TASKS__LIMITS__CLAIM_RECHECK_INTERVAL": "50ms",
}
# Even-numbered workers are batch workers: they claim up to 1000 tasks and wait the whole 10 s for them,
# so when A's drain runs out their long-polls hold every task they won since the SIGTERM and before.
# Odd ones claim 2 at a time, so claims also complete and get finished through A before and during it.
WORKERS, BATCH_AMOUNT, SMALL_AMOUNT, BLOCK_FOR = 8, 1000, 2, "10s"
ENQUEUE_EVERY_SECONDS = 0.02
# Enqueue-and-wait requests held open on A across the SIGTERM; their tasks finish (through B) this long
# after it, well within the drain, so A must answer them.
WAIT_QUEUE, WAITS, WAITS_FINISH_AFTER_SECONDS = "graceful-shutdown-waits", 3, 1.0
# Far beyond the test: a task a cut-off claim leaves claimed stays claimed, and shows.
PROCESSING_TIMEOUT = "10m"
WARM_UP_SECONDS, AFTER_EXIT_SECONDS, DRAIN_SECONDS = 3.0, 1.0, 6.0
WORKER_HEADER, LEASE_HEADER = "X-TASQUES-WORKER-ID", "X-TASQUES-LEASE-TOKEN"


@dataclass(frozen=True)
class SentToA:
    """One request to the terminated server A: ``outcome`` is the status, or ``refused`` (never sent:
    A was no longer listening) or ``cut off`` (sent, and the connection closed without an answer)."""

    kind: str
    worker: str
    started: float
    ended: float
    outcome: str


@dataclass
class ShutdownRun:
    terminated_at: float = 0.0
    terminated_at_wall: datetime = field(default_factory=lambda: datetime.now(UTC))
    exited_at: float | None = None
    exit_code: int | None = None
    new_leader_at: float | None = None
    sent_to_a: list[SentToA] = field(default_factory=list)
    created: list[str] = field(default_factory=list)
    done_accepted: dict[str, set[str]] = field(default_factory=dict)
    final: dict[str, JsonObject] = field(default_factory=dict)
    histories: dict[str, JsonObject] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def in_flight_at_termination(self, kind: str) -> list[SentToA]:
        return [r for r in self.sent_to_a if r.kind == kind and r.started < self.terminated_at < r.ended]


class Scenario:
    def __init__(self, a: TasquesServer, others: Sequence[TasquesServer]) -> None:
        self.a = a
        self.run = ShutdownRun()
        self._a = httpx.AsyncClient(base_url=a.base_url, timeout=30.0)
        self._others = [httpx.AsyncClient(base_url=server.base_url, timeout=30.0) for server in others]
        self._turn = itertools.count()
        self._producing = asyncio.Event()
        self._working = asyncio.Event()

    def other(self) -> httpx.AsyncClient:
        return self._others[next(self._turn) % len(self._others)]

    async def execute(self) -> ShutdownRun:
        try:
            self._producing.set()
            self._working.set()
            load = asyncio.gather(self._produce(), *(self._work(number) for number in range(WORKERS)))
            await asyncio.sleep(WARM_UP_SECONDS)
            waits = [asyncio.create_task(self._enqueue_and_wait(number)) for number in range(WAITS)]
            await asyncio.sleep(0.3)  # the waits are in flight
            self.run.terminated_at, self.run.terminated_at_wall = time.monotonic(), datetime.now(UTC)
            self.a.request_shutdown()
            await asyncio.gather(
                self._watch_exit(), self._watch_leadership(), self._finish_waited_tasks(), *waits
            )
            await asyncio.sleep(AFTER_EXIT_SECONDS)
            self._producing.clear()
            await self._until_all_done()
            self._working.clear()
            await load
            await self._collect()
        finally:
            await asyncio.gather(self._a.aclose(), *(client.aclose() for client in self._others))
        return self.run

    async def _produce(self) -> None:
        for number in itertools.count():
            if not self._producing.is_set():
                return
            task_id = f"task-{number:04d}"
            body = {
                "id": task_id,
                "queue": QUEUE,
                "kind": "shutdown",
                "processing_timeout": PROCESSING_TIMEOUT,
            }
            response = await self.other().post("/tasques", json=body)
            if response.status_code == 201:
                self.run.created.append(task_id)
            else:
                self.run.problems.append(f"create {task_id}: {response.status_code} {response.text}")
            await asyncio.sleep(ENQUEUE_EVERY_SECONDS)

    async def _work(self, number: int) -> None:
        through_a = True
        while self._working.is_set():
            worker = f"worker-{number}@{'A' if through_a else 'B/C'}"
            body = {
                "queues": [QUEUE],
                "amount": BATCH_AMOUNT if number % 2 == 0 else SMALL_AMOUNT,
                "block_for": BLOCK_FOR if through_a else "300ms",
            }
            headers = {WORKER_HEADER: worker}
            response = await self._send(
                "claim", worker, through_a, "POST", "/tasques/claims", json=body, headers=headers
            )
            terminating = self.run.terminated_at > 0
            if (
                response is not None
                and response.status_code != 200
                and not (terminating and _refused_while_stopping(response))
            ):
                self.run.problems.append(f"claim by {worker}: {response.status_code} {response.text}")
            if response is None or response.status_code != 200:
                # A was gone, or refused the claim as it stopped: go elsewhere from now on.
                through_a = through_a and not terminating
                continue
            for task in response.json():
                await asyncio.sleep(0.02)
                await self._finish(worker, task, through_a=through_a)

    async def _finish(self, worker: str, task: JsonObject, *, through_a: bool) -> None:
        lease = task["lease_token"]
        options: JsonObject = {
            "json": {"data": {"lease": lease}},
            "headers": {WORKER_HEADER: worker, LEASE_HEADER: lease},
        }
        path = f"/tasques/done/{QUEUE}/{task['id']}"
        response = await self._send("done", worker, through_a, "PUT", path, **options)
        if response is None:  # A did not take it: B or C will
            response = await self.other().put(path, **options)
        if response.status_code == 200:
            self.run.done_accepted.setdefault(task["id"], set()).add(lease)
        elif response.json().get("error") != "task_not_claimed":  # a retry after A had written it
            self.run.problems.append(f"done {task['id']} by {worker}: {response.status_code} {response.text}")

    async def _send(
        self, kind: str, worker: str, through_a: bool, method: str, path: str, **options: Any
    ) -> httpx.Response | None:
        """Through A (journaled; None when A gave no answer), else through B or C."""
        if not through_a:
            return await self.other().request(method, path, **options)
        started = time.monotonic()
        try:
            response = await self._a.request(method, path, **options)
        except httpx.ConnectError:
            self.run.sent_to_a.append(SentToA(kind, worker, started, time.monotonic(), "refused"))
            return None
        except (httpx.RemoteProtocolError, httpx.ReadError):
            self.run.sent_to_a.append(SentToA(kind, worker, started, time.monotonic(), "cut off"))
            return None
        self.run.sent_to_a.append(SentToA(kind, worker, started, time.monotonic(), str(response.status_code)))
        return response

    async def _enqueue_and_wait(self, number: int) -> None:
        body = {
            "id": f"wait-{number}",
            "queue": WAIT_QUEUE,
            "kind": "wait",
            "processing_timeout": PROCESSING_TIMEOUT,
        }
        response = await self._send("wait", "producer", True, "POST", "/tasques?wait=5s", json=body)
        if response is not None and (response.status_code, response.json().get("state")) != (201, "done"):
            self.run.problems.append(f"enqueue-and-wait {number}: {response.status_code} {response.text}")

    async def _finish_waited_tasks(self) -> None:
        await asyncio.sleep(WAITS_FINISH_AFTER_SECONDS)
        headers = {WORKER_HEADER: "wait-worker"}
        body = {"queues": [WAIT_QUEUE], "amount": WAITS, "block_for": "0s"}
        for task in (await self.other().post("/tasques/claims", json=body, headers=headers)).json():
            lease = {**headers, LEASE_HEADER: task["lease_token"]}
            done = await self.other().put(f"/tasques/done/{WAIT_QUEUE}/{task['id']}", json={}, headers=lease)
            if done.status_code != 200:
                self.run.problems.append(f"done {task['id']}: {done.status_code} {done.text}")

    async def _watch_exit(self) -> None:
        deadline = time.monotonic() + 4 * SHUTDOWN_TIMEOUT_SECONDS + 10
        while time.monotonic() < deadline:
            if (code := self.a.process.poll()) is not None:
                self.run.exited_at, self.run.exit_code = time.monotonic(), code
                return
            await asyncio.sleep(0.01)

    async def _watch_leadership(self) -> None:
        deadline = time.monotonic() + LEASE_SECONDS + 4 * SHUTDOWN_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            statuses = await asyncio.gather(*(client.get("/leader") for client in self._others))
            if any(status.json()["role"] == "leader" for status in statuses):
                self.run.new_leader_at = time.monotonic()
                return
            await asyncio.sleep(0.025)

    async def _until_all_done(self) -> None:
        deadline = time.monotonic() + DRAIN_SECONDS
        while time.monotonic() < deadline:
            if not set(self.run.created) - set(self.run.done_accepted):
                return
            await asyncio.sleep(0.1)

    async def _collect(self) -> None:
        limit = asyncio.Semaphore(8)

        async def fetch(task_id: str) -> None:
            async with limit:
                client = self.other()
                self.run.final[task_id] = (await client.get(f"/tasques/{QUEUE}/{task_id}")).json()
                self.run.histories[task_id] = (
                    await client.get(f"/tasques/{QUEUE}/{task_id}/attempts")
                ).json()

        await asyncio.gather(*(fetch(task_id) for task_id in self.run.created))


def _refused_while_stopping(response: httpx.Response) -> bool:
    """A stopping server refuses new claims with 503, the standard error body and ``Retry-After``."""
    return (
        response.status_code == 503
        and response.json().get("error") == "server_shutting_down"
        and "Retry-After" in response.headers
    )
