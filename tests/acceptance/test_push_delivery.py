"""Push delivery end to end: two real servers on one SQLite file push tasks to a real HTTP worker process
on loopback, while a second registered worker is unreachable.

The worker (written below, stdlib ``http.server``) checks every delivery's HMAC signature, answers half
of the tasks in the push response (200 with an outcome) and the other half with 202 and a later
``PUT /tasques/done/...`` carrying ``push:<id>`` and the lease token, and records how many tasks it held
at once. The unreachable worker is registered first, so the leader tries it first: its deliveries fail
to connect, its tasks are unclaimed at once (attempt refunded) and it is backed off.

The claims: every task ends done, delivered to the live worker exactly once; every signature verified;
the live worker never held more than its ``max_in_flight``; the dead one was backed off (a handful of
attempts, not one per pass) and its tasks were finished by the live worker without spending attempts;
the shared secret never appears in an API answer or a server log.
"""

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.acceptance.conftest import LOOPBACK, StartTasquesServers, TasquesServer

pytestmark = pytest.mark.acceptance

SECRET = "acceptance-push-secret-7f1c9a"
QUEUE = "push-shared"
TASKS = 30
LIVE, DEAD = "b-live", "a-dead"  # listed (and served) by id: the dead one is tried first
LIVE_CAPACITY, DEAD_CAPACITY = 3, 2
DEADLINE_SECONDS = 60.0
SERVER_SETTINGS = {
    "TASQUES_MAINTENANCE__PUSH_DELIVERY__INTERVAL": "100ms",
    "TASQUES_MAINTENANCE__PUSH_DELIVERY__REQUEST_TIMEOUT": "5s",
    "TASQUES_MAINTENANCE__PUSH_DELIVERY__BACKOFF__BASE": "500ms",
    "TASQUES_MAINTENANCE__PUSH_DELIVERY__BACKOFF__MAX": "2s",
    "TASQUES_MAINTENANCE__PUSH_DELIVERY__BACKOFF__JITTER": "0",
}

WORKER_SOURCE = r'''
"""A push worker: verifies signatures, finishes tasks in the answer or later through the API."""
import hashlib, hmac, json, sys, threading, time, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

secret, log_path, servers = sys.argv[1].encode(), sys.argv[2], sys.argv[3].split(",")
lock = threading.Lock()
held = 0

def record(entry):
    with lock, open(log_path, "a") as log:
        log.write(json.dumps(entry) + "\n")

def release():
    global held
    with lock:
        held -= 1

def report_done(task, lease, worker_id):
    time.sleep(0.05)
    body = json.dumps({"data": {"by": "api", "n": task["args"]["n"]}}).encode()
    for server in servers:
        request = urllib.request.Request(
            f"{server}/tasques/done/{task['queue']}/{task['id']}", data=body, method="PUT",
            headers={"Content-Type": "application/json", "X-TASQUES-WORKER-ID": worker_id,
                     "X-TASQUES-LEASE-TOKEN": lease})
        try:
            urllib.request.urlopen(request, timeout=5).read()
            break
        except Exception as error:
            record({"report_error": repr(error)})
    release()

class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        global held
        body = self.rfile.read(int(self.headers["Content-Length"]))
        expected = "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()
        signed = hmac.compare_digest(expected, self.headers.get("X-Tasques-Signature", ""))
        if not signed:
            record({"signature_ok": False})
            self.send_response(401); self.end_headers(); return
        payload = json.loads(body)
        task = payload["task"]
        with lock:
            held += 1
            holding = held
        record({"signature_ok": True, "task": task["id"], "held": holding, "worker_id": payload["worker_id"],
                "lease_matches": payload["lease_token"] == self.headers["X-TASQUES-LEASE-TOKEN"] == task["lease_token"]})
        if task["args"]["reply"] == "async":
            self.send_response(202); self.end_headers()
            threading.Thread(target=report_done, args=(task, payload["lease_token"], payload["worker_id"])).start()
            return
        time.sleep(0.05)
        answer = json.dumps({"outcome": "done", "data": {"by": "push", "n": task["args"]["n"]}}).encode()
        release()  # before answering: the server counts the task as held until it has read the answer
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
'''


StartWorker = Callable[[list[TasquesServer]], tuple["subprocess.Popen[bytes]", int]]


@pytest.fixture
def push_worker(tmp_path: Path) -> Iterator[tuple[StartWorker, Path]]:
    """Yields a function starting the worker script (answering the process and the port it printed)
    and the worker's log; the processes are stopped afterwards."""
    script, log = tmp_path / "push_worker.py", tmp_path / "push_worker.log"
    script.write_text(WORKER_SOURCE)
    log.touch()
    processes: list[subprocess.Popen[bytes]] = []

    def start(servers: list[TasquesServer]) -> tuple[subprocess.Popen[bytes], int]:
        process = subprocess.Popen(
            [sys.executable, str(script), SECRET, str(log), ",".join(server.base_url for server in servers)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        processes.append(process)
        assert process.stdout is not None
        return process, int(process.stdout.readline())

    yield start, log
    for process in processes:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens there any more: connections are refused


@asynccontextmanager
async def client(server: TasquesServer) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as http:
        yield http


async def register(api: httpx.AsyncClient, worker_id: str, url: str, capacity: int) -> None:
    body = {"id": worker_id, "url": url, "queues": [QUEUE], "max_in_flight": capacity, "secret": SECRET}
    response = await api.post("/workers/push", json=body)
    assert response.status_code == 201, response.text
    assert SECRET not in response.text


async def wait_until_all_done(api: httpx.AsyncClient) -> list[dict[str, Any]]:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        tasks = [(await api.get(f"/tasques/{QUEUE}/t{index}")).json() for index in range(TASKS)]
        if all(task["state"] == "done" for task in tasks):
            return tasks
        if time.monotonic() > deadline:
            pytest.fail(f"not all done: {sorted({task['state'] for task in tasks})}", pytrace=False)
        await asyncio.sleep(0.2)


async def test_tasks_are_pushed_signed_within_capacity_and_around_a_dead_worker(
    start_tasques_servers: StartTasquesServers, push_worker: tuple[StartWorker, Path]
) -> None:
    servers = start_tasques_servers(2, settings=SERVER_SETTINGS)
    start_worker, log = push_worker
    _process, port = start_worker(servers)
    async with client(servers[0]) as api, client(servers[1]) as other:
        await register(api, DEAD, f"http://{LOOPBACK}:{closed_port()}/tasks", DEAD_CAPACITY)
        await register(api, LIVE, f"http://{LOOPBACK}:{port}/tasks", LIVE_CAPACITY)
        batch = [
            {
                "queue": QUEUE,
                "kind": "work",
                "id": f"t{index}",
                "retry_times": 0,
                "args": {"n": index, "reply": "async" if index % 2 else "sync"},
            }
            for index in range(TASKS)
        ]
        assert (await other.post("/tasques/batch", json={"tasks": batch})).status_code == 200

        tasks = await wait_until_all_done(other)

        for task in tasks:
            assert task["last_claimed"]["worker_id"] == f"push:{LIVE}"
            assert task["attempted"] == 1  # unclaims from the dead worker refunded their attempt
            by = "api" if task["args"]["reply"] == "async" else "push"
            assert task["last_claimed"]["result"]["success"] == {"by": by, "n": task["args"]["n"]}
        entries = [json.loads(line) for line in log.read_text().splitlines()]
        deliveries = [entry for entry in entries if "task" in entry]
        assert all(entry["signature_ok"] for entry in entries), entries
        assert not [entry for entry in entries if "report_error" in entry]
        assert all(entry["lease_matches"] and entry["worker_id"] == f"push:{LIVE}" for entry in deliveries)
        assert sorted(entry["task"] for entry in deliveries) == sorted(f"t{index}" for index in range(TASKS))
        assert 2 <= max(entry["held"] for entry in deliveries) <= LIVE_CAPACITY

        dead = (await api.get(f"/workers/push/{DEAD}")).json()
        assert dead["delivery"]["consecutive_failures"] >= 1
        assert "could not connect" in dead["delivery"]["last_error"]
        histories = [
            (await other.get(f"/tasques/{QUEUE}/t{index}/attempts")).json()["attempts"]
            for index in range(TASKS)
        ]
        tried_by_dead = [
            attempt for history in histories for attempt in history if attempt["worker_id"] == f"push:{DEAD}"
        ]
        assert tried_by_dead, "the dead worker was never tried"
        assert all(attempt["outcome"] == "unclaimed" for attempt in tried_by_dead)
        # One batch, then one probe per back-off period (500 ms doubling to 2 s), never one per 100 ms pass.
        assert len(tried_by_dead) <= DEAD_CAPACITY + 12, len(tried_by_dead)

        assert (await api.delete(f"/workers/push/{DEAD}")).status_code == 200
        listed = await other.get("/workers/push")
        assert [worker["id"] for worker in listed.json()] == [LIVE]
        assert SECRET not in listed.text
    for server in servers:
        assert SECRET not in server.stderr_path.read_text(errors="replace")
        assert SECRET not in server.access_log_path.read_text(errors="replace")
