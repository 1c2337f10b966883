"""``tasques serve --workers 2`` on SQLite: one command, two processes on one port and one file.

What an operator relies on when they give the embedded store more than one core: both processes take
requests, claimers blocked in either get tasks enqueued through either (``sibling_wakeups``), every task
is finished exactly once, and one SIGTERM stops both, leaving no wake-up socket behind. The claimers'
re-check interval is an hour, so tasks reach them through a hand-off in their own process, a wake-up
from the sibling, or the first look of a new long-poll, never through a timed re-check. (That the
sibling's wake-up alone brings a task is shown in process by
``tests/reliability/test_sqlite_sibling_claims.py``: here the kernel decides which process takes each
connection.)
"""

import asyncio
import time
from collections import Counter
from typing import Any

import httpx
import pytest

from tests.acceptance.conftest import StartTasquesServers

pytestmark = pytest.mark.acceptance

QUEUE = "worker-processes"
TASKS = 40
CLAIMERS = 8
# Fresh connections until both processes have answered; each connection is accepted by one of them.
CONNECTIONS_TO_MEET_BOTH = 200
RUN_BOUND_SECONDS = 60.0
EXIT_BOUND_SECONDS = 20.0
WORKER_HEADER = "X-TASQUES-WORKER-ID"
LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"
SETTINGS = {"TASQUES_TASKS__LIMITS__CLAIM_RECHECK_INTERVAL": "1h"}

JsonObject = dict[str, Any]


async def _server_ids_answering(base_url: str) -> set[str]:
    seen: set[str] = set()
    for _ in range(CONNECTIONS_TO_MEET_BOTH):
        async with httpx.AsyncClient(base_url=base_url) as fresh:
            seen.add((await fresh.get("/leader")).json()["server_id"])
        if len(seen) == 2:
            break
    return seen


async def _claim_and_finish(base_url: str, number: int, done: list[str], claimed_by: Counter[str]) -> None:
    """One worker: its own connection (so it lands on either process), long-polls until the run ends."""
    worker = f"worker-{number}"
    async with httpx.AsyncClient(base_url=base_url, timeout=RUN_BOUND_SECONDS) as api:
        while len(done) < TASKS:
            response = await api.post(
                "/tasques/claims",
                json={"queues": [QUEUE], "amount": 1, "block_for": "2s"},
                headers={WORKER_HEADER: worker},
            )
            assert response.status_code == 200, response.text
            for task in response.json():
                claimed_by[task["id"]] += 1
                headers = {WORKER_HEADER: worker, LEASE_HEADER: task["lease_token"]}
                finished = await api.put(f"/tasques/done/{QUEUE}/{task['id']}", json={}, headers=headers)
                assert finished.status_code == 200, finished.text
                done.append(task["id"])


async def test_two_worker_processes_share_the_port_the_file_and_the_arrivals(
    start_tasques_servers: StartTasquesServers,
) -> None:
    (server,) = start_tasques_servers(1, settings=SETTINGS, serve_options=("--workers", "2"))
    assert len(await _server_ids_answering(server.base_url)) == 2, "one process never answered"

    done: list[str] = []
    claimed_by: Counter[str] = Counter()
    workers = [
        asyncio.create_task(_claim_and_finish(server.base_url, number, done, claimed_by))
        for number in range(CLAIMERS)
    ]
    created: list[str] = []
    for _ in range(TASKS):
        async with httpx.AsyncClient(base_url=server.base_url) as producer:  # either process
            response = await producer.post("/tasques", json={"queue": QUEUE, "kind": "k"})
            assert response.status_code == 201, response.text
            created.append(response.json()["id"])
    async with asyncio.timeout(RUN_BOUND_SECONDS):
        await asyncio.gather(*workers)

    assert sorted(done) == sorted(created)
    assert [task_id for task_id, claims in claimed_by.items() if claims != 1] == []
    async with httpx.AsyncClient(base_url=server.base_url) as api:
        states = {(await api.get(f"/tasques/{QUEUE}/{task_id}")).json()["state"] for task_id in created}
    assert states == {"done"}

    wake_folder = server.stderr_path.parent / "tasques.db-wake"  # beside the pool's database
    assert len(list(wake_folder.iterdir())) == 2  # one socket per process
    server.request_shutdown()
    began = time.monotonic()
    exit_code = await asyncio.to_thread(server.process.wait, EXIT_BOUND_SECONDS)
    assert exit_code == 0, server.stderr_tail()
    assert time.monotonic() - began <= EXIT_BOUND_SECONDS
    assert list(wake_folder.iterdir()) == []
