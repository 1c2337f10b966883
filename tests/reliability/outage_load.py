"""A steady load for the outage tests, and a journal of every answer it got.

A producer enqueues small batches of tasks with ids; workers claim them, fail every fifth task once and
mark the rest done under their lease. A 503 is waited out (``Retry-After``) and the same request sent
again to the other server: safe, because creates carry ids and finishing writes carry lease tokens. A
409 ``lease_superseded`` (the claim timed out during the outage and someone claimed the task again)
ends that worker's hold. Every answer is journaled with its time, so a test can ask what the servers
said during the outage, and every successful write's version is kept, so it can check that no two
writes of one task produced the same version (a lost update).
"""

import asyncio
import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.reliability.in_process import InProcessServer
from tests.reliability.task_shapes import shape_problems

JsonObject = dict[str, Any]
WORKER_HEADER = "X-TASQUES-WORKER-ID"
LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"
BATCH = 4
PRODUCE_EVERY_SECONDS = 0.05
CLAIM_AMOUNT = 4
RETRY_TIMES = 5
# Short, so a claim lost with a failed store request (written, but answered 503) times out and runs again.
PROCESSING_TIMEOUT = "3s"


@dataclass(frozen=True)
class Answer:
    at: float
    server: str
    action: str
    status: int
    retry_after: str | None
    error: str | None


@dataclass
class OutageLoad:
    servers: Sequence[InProcessServer]
    queue: str
    answers: list[Answer] = field(default_factory=list)
    created: set[str] = field(default_factory=set)
    done_leases: dict[str, set[str]] = field(default_factory=dict)
    versions: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    stale_rejections: int = 0
    landed_after_503: int = 0  # writes answered 503 that had landed anyway (their retry got 400)
    problems: list[str] = field(default_factory=list)
    producing: asyncio.Event = field(default_factory=asyncio.Event)
    working: asyncio.Event = field(default_factory=asyncio.Event)
    _turn: "itertools.count[int]" = field(default_factory=itertools.count)

    def during(self, start: float, end: float) -> list[Answer]:
        return [answer for answer in self.answers if start <= answer.at <= end]

    async def run(self, workers: int) -> None:
        self.producing.set()
        self.working.set()
        await asyncio.gather(self._produce(), *(self._work(f"worker-{number}") for number in range(workers)))

    async def send(self, action: str, method: str, path: str, **options: Any) -> httpx.Response:
        """Send until the answer is not a 503 (or the load is stopping), alternating servers; journal
        every answer."""
        while True:
            server = self.servers[next(self._turn) % len(self.servers)]
            try:
                response = await server.client.request(method, path, **options)
            except httpx.TransportError as failure:
                self.problems.append(f"{action} on {server.name}: {failure!r}")
                if not self.working.is_set():
                    raise
                await asyncio.sleep(0.2)
                continue
            body = _json(response)
            error = body.get("error") if response.status_code >= 400 else None
            self.answers.append(
                Answer(
                    time.monotonic(),
                    server.name,
                    action,
                    response.status_code,
                    response.headers.get("Retry-After"),
                    error,
                )
            )
            well_formed = (
                "message" in body and error == "store_unavailable" and "Retry-After" in response.headers
            )
            if response.status_code == 503 and not well_formed:
                self.problems.append(
                    f"{action}: a 503 without Retry-After or the error body: {response.text}"
                )
            if response.status_code != 503 or not self.working.is_set():
                return response
            await asyncio.sleep(float(response.headers.get("Retry-After", "1")))

    async def _produce(self) -> None:
        for start in itertools.count(0, BATCH):
            if not self.producing.is_set():
                return
            tasks = [
                {
                    "id": f"t{number:05d}",
                    "queue": self.queue,
                    "kind": "outage",
                    "retry_times": RETRY_TIMES,
                    "processing_timeout": PROCESSING_TIMEOUT,
                }
                for number in range(start, start + BATCH)
            ]
            response = await self.send("enqueue", "POST", "/tasques/batch", json={"tasks": tasks})
            for task, item in zip(tasks, _json(response).get("results", []), strict=False):
                if item["status"] in (201, 409):  # 409: created by an earlier try that was answered 503
                    self.created.add(str(task["id"]))
            if response.status_code != 200:
                self.problems.append(f"enqueue: {response.status_code} {response.text}")
            await asyncio.sleep(PRODUCE_EVERY_SECONDS)

    async def _work(self, worker_id: str) -> None:
        while self.working.is_set():
            body = {"queues": [self.queue], "amount": CLAIM_AMOUNT, "block_for": "300ms"}
            response = await self.send(
                "claim", "POST", "/tasques/claims", json=body, headers={WORKER_HEADER: worker_id}
            )
            if response.status_code != 200:
                self.problems.append(f"claim: {response.status_code} {response.text}")
                continue
            for task in response.json():
                self._saw(task)
                await self._finish(worker_id, task)

    async def _finish(self, worker_id: str, task: JsonObject) -> None:
        number = int(task["id"].removeprefix("t"))
        outcome = "failed" if number % 5 == 0 and task["attempted"] == 1 else "done"
        lease = task["lease_token"]
        response = await self.send(
            outcome,
            "PUT",
            f"/tasques/{outcome}/{self.queue}/{task['id']}",
            json={"data": {"lease": lease}},
            headers={WORKER_HEADER: worker_id, LEASE_HEADER: lease},
        )
        body = _json(response)
        if response.status_code == 200:
            self._saw(body)
            if outcome == "done":
                self.done_leases.setdefault(task["id"], set()).add(lease)
        elif response.status_code == 409 and body.get("error") == "lease_superseded":
            self.stale_rejections += 1
        elif response.status_code == 400 and body.get("error") == "task_not_claimed":
            await self._landed_anyway(outcome, task["id"], lease)
        else:
            self.problems.append(f"{outcome} {task['id']}: {response.status_code} {response.text}")

    async def _landed_anyway(self, outcome: str, task_id: str, lease: str) -> None:
        """A write answered 503 may have landed (the store applied it, the answer was lost); its retry
        then finds the task no longer claimed. Only reading the task tells: it carries our result."""
        stored = _json(await self.send("get", "GET", f"/tasques/{self.queue}/{task_id}"))
        result = (stored.get("last_claimed") or {}).get("result") or {}
        ours = (result.get("success") or result.get("failure") or {}).get("lease") == lease
        if not ours:
            return  # the lease had timed out, and the write was rightly refused
        self.landed_after_503 += 1
        if outcome == "done":
            self.done_leases.setdefault(task_id, set()).add(lease)

    def _saw(self, task: JsonObject) -> None:
        version = task["metadata"]["version"]
        self.versions.setdefault(task["id"], []).append((version["primary_term"], version["seq_num"]))
        self.problems += shape_problems(task)


def _json(response: httpx.Response) -> JsonObject:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
