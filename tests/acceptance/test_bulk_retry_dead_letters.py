"""10,000 dead tasks retried by one query-driven bulk action: progress is reported, none lost or doubled."""

import time

import httpx
import pytest

from tests.acceptance.conftest import StartTasquesServers

TASKS = 10_000
QUEUE = "dead-letters"
WORKER = {"X-TASQUES-WORKER-ID": "bulk-test"}


def _kill_every_task(client: httpx.Client) -> None:
    for start in range(0, TASKS, 1000):
        tasks = [
            {"queue": QUEUE, "kind": "k", "id": f"t{index:05d}", "retry_times": 0}
            for index in range(start, start + 1000)
        ]
        assert client.post("/tasques/batch", json={"tasks": tasks}).json()["created"] == 1000
    killed = 0
    while killed < TASKS:
        claimed = client.post(
            "/tasques/claims", json={"queues": [QUEUE], "amount": 1000, "block_for": "0s"}, headers=WORKER
        ).json()
        assert claimed, "claims ran dry before every task was dead"
        items = [
            {"queue": QUEUE, "id": task["id"], "outcome": "failed", "lease_token": task["lease_token"]}
            for task in claimed
        ]
        finished = client.post("/tasques/batch/finish", json={"items": items}, headers=WORKER).json()
        assert finished["failed"] == 0
        killed += len(claimed)


@pytest.mark.acceptance
def test_bulk_retry_of_ten_thousand_dead_tasks(start_tasques_servers: StartTasquesServers) -> None:
    (server,) = start_tasques_servers(1, settings={"TASQUES_MAINTENANCE__ADMIN_JOBS__INTERVAL": "100ms"})
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        _kill_every_task(client)
        query = {"query": {"queues": [QUEUE], "states": ["dead"]}}
        assert client.post("/tasques/_bulk/retry", json={**query, "dry_run": True}).json()["count"] == TASKS

        job = client.post("/tasques/_bulk/retry", json=query).json()["job"]
        progress = [job["processed"]]
        deadline = time.monotonic() + 120
        while job["status"] != "done":
            assert time.monotonic() < deadline, f"bulk retry stuck at {job}"
            job = client.get(f"/admin/jobs/{job['id']}").json()["job"]
            progress.append(job["processed"])

        assert (job["total"], job["processed"], job["succeeded"], job["skipped"]) == (TASKS, TASKS, TASKS, 0)
        assert progress == sorted(progress)
        assert len(set(progress)) > 3, "progress was never visible between start and finish"
        states = client.get("/queues").json()["queues"]
        assert len(states) == 1
        assert (states[0]["queue"], states[0]["counts"], states[0]["paused"]) == (
            QUEUE,
            {"queued": TASKS},
            False,
        )
        reclaimed: set[str] = set()
        while len(reclaimed) < TASKS:
            batch = client.post(
                "/tasques/claims", json={"queues": [QUEUE], "amount": 1000, "block_for": "0s"}, headers=WORKER
            ).json()
            assert batch, f"only {len(reclaimed)} of {TASKS} came back"
            assert all(task["attempted"] == 1 for task in batch)
            ids = {task["id"] for task in batch}
            assert not ids & reclaimed
            reclaimed |= ids
        assert reclaimed == {f"t{index:05d}" for index in range(TASKS)}
