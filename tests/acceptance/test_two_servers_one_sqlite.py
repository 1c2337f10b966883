"""Two real servers on one SQLite file, eight workers, 2,000 tasks, scripted failures and retries.

The claim is horizontal scaling on the embedded store: whichever server a request reaches, every task
is finished exactly once, no task is held by two workers at once, and retries count attempts exactly.
Workers alternate between the servers per claim round and finish half the tasks through the other
server, so every transition is also seen across processes. Enqueueing runs while the workers already
wait in long-polls, so arrivals from both servers wake blocked claims on both.
"""

import asyncio
import itertools
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.acceptance.conftest import StartTasquesServers

pytestmark = pytest.mark.acceptance

QUEUE = "two-servers-one-sqlite"
TASK_COUNT = 2_000
ENQUEUE_CHUNK = 100
# Every fifth chunk goes in one POST per task, the rest through the batch endpoint.
SINGLE_POST_CHUNK_EVERY = 5
WORKER_COUNT = 8
CLAIM_AMOUNT = 10
CLAIM_BLOCK_FOR = "300ms"
RUN_DEADLINE_SECONDS = 90.0
HTTP_TIMEOUT_SECONDS = 30.0
VERIFY_CONCURRENCY = 16

WORKER_HEADER = "X-TASQUES-WORKER-ID"
LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"

SERVER_SETTINGS = {
    # A retried task becomes claimable again within 10-50 ms instead of Tasques' tens of seconds.
    "TASQUES_TASKS__DEFAULTS__BACKOFF__STRATEGY": "exponential",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__BASE": "10ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__MAX": "50ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__JITTER": "0",
    # Failed tasks and tasks enqueued through the other server are found by this re-check, not by an
    # in-process arrival signal; a short interval keeps the tail of the run short.
    "TASQUES_TASKS__LIMITS__CLAIM_RECHECK_INTERVAL": "50ms",
}

JsonObject = dict[str, Any]


@dataclass(frozen=True)
class PlannedTask:
    index: int
    id: str
    fail_times: int
    heartbeat: bool

    def new_task_body(self) -> JsonObject:
        body: JsonObject = {
            "id": self.id,
            "queue": QUEUE,
            "kind": "acceptance",
            "args": {"index": self.index, "fail_times": self.fail_times},
        }
        if self.fail_times:
            # Exactly enough retries: the last scripted attempt is the last one allowed, so an
            # off-by-one in attempt counting leaves the task dead instead of done.
            body["retry_times"] = self.fail_times
        return body


def plan_tasks() -> list[PlannedTask]:
    """Deterministic: 100 tasks fail twice, 200 fail once, every seventh sends a heartbeat report."""
    return [
        PlannedTask(
            index=index,
            id=f"task-{index:04d}",
            fail_times=2 if index % 20 == 0 else 1 if index % 10 == 5 else 0,
            heartbeat=index % 7 == 0,
        )
        for index in range(TASK_COUNT)
    ]


@dataclass(frozen=True)
class ClaimRecord:
    worker_id: str
    lease_token: str
    attempted: int


@dataclass
class Ledger:
    """What the workers saw. One event loop runs every worker, so plain containers need no lock."""

    plan: Mapping[str, PlannedTask]
    claims: dict[str, list[ClaimRecord]] = field(default_factory=dict)
    holders: dict[str, str] = field(default_factory=dict)
    overlaps: list[str] = field(default_factory=list)
    completions: Counter[str] = field(default_factory=Counter)
    done_payloads: dict[str, JsonObject] = field(default_factory=dict)
    report_payloads: dict[str, JsonObject] = field(default_factory=dict)
    protocol_errors: list[str] = field(default_factory=list)
    all_done: asyncio.Event = field(default_factory=asyncio.Event)

    def record_claim(self, worker_id: str, task: JsonObject) -> None:
        task_id = task["id"]
        token = task.get("lease_token")
        if not token:
            self.protocol_errors.append(f"claim of {task_id} by {worker_id} carried no lease_token")
            token = ""
        if task.get("state") != "claimed" or task.get("last_claimed", {}).get("worker_id") != worker_id:
            self.protocol_errors.append(f"claim of {task_id} by {worker_id} returned {task}")
        if task_id in self.holders:
            self.overlaps.append(f"{task_id} claimed by {worker_id} while held under {self.holders[task_id]}")
        self.holders[task_id] = token
        self.claims.setdefault(task_id, []).append(ClaimRecord(worker_id, token, task["attempted"]))

    def release(self, task_id: str) -> None:
        """Called before the done/failed request: once it lands, another worker may claim at once."""
        self.holders.pop(task_id, None)

    def record_completion(self, task_id: str, payload: JsonObject) -> None:
        self.completions[task_id] += 1
        self.done_payloads[task_id] = payload
        if len(self.completions) == len(self.plan):
            self.all_done.set()

    def expect(self, response: httpx.Response, status: int, what: str) -> Any:
        """The decoded JSON body, or None (and a recorded error) when the status is not the expected one."""
        if response.status_code != status:
            self.protocol_errors.append(f"{what}: HTTP {response.status_code} {response.text}")
            return None
        return response.json()


async def enqueue_all(
    clients: Sequence[httpx.AsyncClient], plan: Sequence[PlannedTask], ledger: Ledger
) -> None:
    """Mix batch and single POSTs, alternating servers."""
    requests = itertools.count()
    for chunk_number, start in enumerate(range(0, len(plan), ENQUEUE_CHUNK)):
        chunk = plan[start : start + ENQUEUE_CHUNK]
        if chunk_number % SINGLE_POST_CHUNK_EVERY == SINGLE_POST_CHUNK_EVERY - 1:
            for planned in chunk:
                client = clients[next(requests) % len(clients)]
                created = ledger.expect(
                    await client.post("/tasques", json=planned.new_task_body()), 201, f"create {planned.id}"
                )
                if created is not None and (created["id"], created["state"]) != (planned.id, "queued"):
                    ledger.protocol_errors.append(f"create {planned.id} returned {created}")
            continue
        client = clients[next(requests) % len(clients)]
        batch = {"tasks": [planned.new_task_body() for planned in chunk]}
        result = ledger.expect(await client.post("/tasques/batch", json=batch), 200, f"batch at {start}")
        if result is None:
            continue
        statuses = [item["status"] for item in result["results"]]
        ids = [item.get("task", {}).get("id") for item in result["results"]]
        if (result["created"], result["conflicts"]) != (len(chunk), 0) or set(statuses) != {201}:
            ledger.protocol_errors.append(f"batch at {start}: {result['created']=} {result['conflicts']=}")
        if ids != [planned.id for planned in chunk]:
            ledger.protocol_errors.append(f"batch at {start} answered out of order: {ids[:5]}...")


async def run_worker(number: int, clients: Sequence[httpx.AsyncClient], ledger: Ledger) -> None:
    worker_id = f"worker-{number}"
    for round_number in itertools.count():
        if ledger.all_done.is_set():
            return
        claim_client = clients[(number + round_number) % len(clients)]
        response = await claim_client.post(
            "/tasques/claims",
            json={"queues": [QUEUE], "amount": CLAIM_AMOUNT, "block_for": CLAIM_BLOCK_FOR},
            headers={WORKER_HEADER: worker_id},
        )
        claimed = ledger.expect(response, 200, f"claim by {worker_id}")
        for task in claimed or []:
            ledger.record_claim(worker_id, task)
        for task in claimed or []:
            await work_on(task, worker_id, clients, ledger)


async def work_on(
    task: JsonObject, worker_id: str, clients: Sequence[httpx.AsyncClient], ledger: Ledger
) -> None:
    planned = ledger.plan[task["id"]]
    # The task's index, not the claim, picks the server, so about half of all reports, failures and
    # completions reach the process that did not hand the task out.
    client = clients[planned.index % len(clients)]
    headers = {WORKER_HEADER: worker_id, LEASE_HEADER: task.get("lease_token", "")}
    where = f"{QUEUE}/{planned.id}"
    # The server's attempt count decides, so a retry by any worker continues the same script.
    if task["attempted"] <= planned.fail_times:
        ledger.release(planned.id)
        failure = {"data": {"scripted_failure": task["attempted"], "worker": worker_id}}
        failed = ledger.expect(
            await client.put(f"/tasques/failed/{where}", json=failure, headers=headers), 200, f"fail {where}"
        )
        if failed is not None and failed["state"] != "failed":
            ledger.protocol_errors.append(f"fail {where} left state {failed['state']}, expected failed")
        return
    if planned.heartbeat:
        report = {"data": {"progress": "halfway", "worker": worker_id}}
        reported = ledger.expect(
            await client.put(f"/tasques/reports/{where}", json=report, headers=headers),
            200,
            f"report {where}",
        )
        if reported is not None:
            ledger.report_payloads[planned.id] = report["data"]
    ledger.release(planned.id)
    success = {"data": {"worker": worker_id, "lease_token": headers[LEASE_HEADER]}}
    done = ledger.expect(
        await client.put(f"/tasques/done/{where}", json=success, headers=headers), 200, f"done {where}"
    )
    if done is not None:
        ledger.record_completion(planned.id, success["data"])


async def fetch_final_states(
    clients: Sequence[httpx.AsyncClient], plan: Sequence[PlannedTask]
) -> dict[str, httpx.Response]:
    limit = asyncio.Semaphore(VERIFY_CONCURRENCY)

    async def fetch(planned: PlannedTask) -> tuple[str, httpx.Response]:
        async with limit:
            client = clients[planned.index % len(clients)]
            return planned.id, await client.get(f"/tasques/{QUEUE}/{planned.id}")

    # A task group, not gather: one failed GET cancels the rest before the clients close, so no
    # request is left holding a socket for a later test to find unclosed.
    async with asyncio.TaskGroup() as group:
        fetches = [group.create_task(fetch(planned)) for planned in plan]
    return dict(task.result() for task in fetches)


def final_state_problems(planned: PlannedTask, response: httpx.Response, ledger: Ledger) -> list[str]:
    if response.status_code != 200:
        return [f"{planned.id}: GET answered {response.status_code} {response.text}"]
    task: JsonObject = response.json()
    last_claimed = task.get("last_claimed", {})
    problems = []
    if task["state"] != "done":
        problems.append(f"{planned.id}: state {task['state']}, expected done")
    if task["attempted"] != planned.fail_times + 1:
        problems.append(f"{planned.id}: attempted {task['attempted']}, expected {planned.fail_times + 1}")
    success = last_claimed.get("result", {}).get("success")
    if success != ledger.done_payloads.get(planned.id):
        problems.append(
            f"{planned.id}: stored success {success}, sent {ledger.done_payloads.get(planned.id)}"
        )
    if planned.heartbeat:
        report = last_claimed.get("last_report", {}).get("data")
        if report != ledger.report_payloads.get(planned.id):
            problems.append(
                f"{planned.id}: stored report {report}, sent {ledger.report_payloads.get(planned.id)}"
            )
    return problems


async def test_two_servers_on_one_sqlite_file_finish_every_task_exactly_once(
    start_tasques_servers: StartTasquesServers,
) -> None:
    started = time.monotonic()
    servers = start_tasques_servers(2, settings=SERVER_SETTINGS)
    plan = plan_tasks()
    ledger = Ledger(plan={planned.id: planned for planned in plan})
    ready = time.monotonic()

    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(base_url=server.base_url, timeout=HTTP_TIMEOUT_SECONDS)
            )
            for server in servers
        ]
        try:
            async with asyncio.timeout(RUN_DEADLINE_SECONDS), asyncio.TaskGroup() as group:
                # Workers first: they wait in long-polls while the tasks arrive.
                for number in range(WORKER_COUNT):
                    group.create_task(run_worker(number, clients, ledger))
                group.create_task(enqueue_all(clients, plan, ledger))
        except TimeoutError:
            unfinished = sorted(set(ledger.plan) - set(ledger.completions))
            pytest.fail(
                f"not finished within {RUN_DEADLINE_SECONDS:g}s: {len(unfinished)} tasks never completed, "
                f"e.g. {unfinished[:10]}; protocol errors: {ledger.protocol_errors[:10]}"
            )
        worked = time.monotonic()

        final_states = await fetch_final_states(clients, plan)
        leftovers = [
            ledger.expect(
                await client.post(
                    "/tasques/claims",
                    json={"queues": [QUEUE], "amount": CLAIM_AMOUNT, "block_for": "0s"},
                    headers={WORKER_HEADER: "leftover-check"},
                ),
                200,
                "leftover claim",
            )
            for client in clients
        ]
        verified = time.monotonic()

    assert ledger.protocol_errors == [], "\n".join(ledger.protocol_errors[:20])
    assert ledger.overlaps == [], "\n".join(ledger.overlaps[:20])
    assert leftovers == [[], []], "a task was still claimable after every task was done"

    done_more_than_once = {task_id: n for task_id, n in ledger.completions.items() if n != 1}
    assert done_more_than_once == {}
    assert set(ledger.completions) == set(ledger.plan), "some tasks were never marked done"

    claim_count_mismatches = {
        planned.id: (len(ledger.claims.get(planned.id, [])), planned.fail_times + 1)
        for planned in plan
        if len(ledger.claims.get(planned.id, [])) != planned.fail_times + 1
    }
    assert claim_count_mismatches == {}, "(claims seen, claims expected) per task"
    assert set(ledger.claims) == set(ledger.plan)
    tokens = [claim.lease_token for claims in ledger.claims.values() for claim in claims]
    assert len(set(tokens)) == len(tokens), "a lease token was handed out twice"
    attempts_out_of_order = [
        task_id
        for task_id, claims in ledger.claims.items()
        if [claim.attempted for claim in claims] != list(range(1, len(claims) + 1))
    ]
    assert attempts_out_of_order == []

    problems = [
        problem
        for planned in plan
        for problem in final_state_problems(planned, final_states[planned.id], ledger)
    ]
    assert problems == [], "\n".join(problems[:20])
    # Shown with -s: where the time goes, for keeping the suite fast.
    print(
        f"start {ready - started:.1f}s, {TASK_COUNT} tasks through {len(servers)} servers and "
        f"{WORKER_COUNT} workers {worked - ready:.1f}s, final GETs {verified - worked:.1f}s"
    )
