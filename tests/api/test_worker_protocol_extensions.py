"""Cancel, enqueue-and-wait, results, checkpoints and attempts over HTTP."""

import asyncio

import httpx

from tests.api.conftest import WORKER, claim, enqueue


def _lease(task: dict[str, object]) -> dict[str, str]:
    return {**WORKER, "X-TASQUES-LEASE-TOKEN": str(task["lease_token"])}


async def test_cancel_a_running_task_end_to_end(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="long-job")
    (claimed,) = await claim(api)

    requested = await api.post("/tasques/q/long-job/cancel", json={"reason": "user stop"})
    heartbeat = await api.put(
        "/tasques/reports/q/long-job", json={"data": {"pct": 5}}, headers=_lease(claimed)
    )
    stopped = await api.put(
        "/tasques/cancelled/q/long-job", json={"data": {"at": "5%"}}, headers=_lease(claimed)
    )
    again = await api.post("/tasques/q/long-job/cancel")

    assert requested.status_code == 200
    assert requested.json()["state"] == "claimed"
    assert heartbeat.json()["cancel_requested"] is True
    assert heartbeat.json()["cancellation"]["reason"] == "user stop"
    assert stopped.json()["state"] == "cancelled"
    assert "cancel_requested" not in stopped.json()
    assert again.status_code == 409
    assert again.json()["message"] == "The Task [long-job] is already cancelled"


async def test_cancel_a_queued_task_without_a_body(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="t")
    response = await api.post("/tasques/q/t/cancel")
    assert response.json()["state"] == "cancelled"
    assert await claim(api) == []
    assert (await api.post("/tasques/q/missing/cancel")).status_code == 404


async def test_enqueue_and_wait_returns_the_finished_task(api: httpx.AsyncClient) -> None:
    async def worker() -> None:
        response = await api.post(
            "/tasques/claims", json={"queues": ["q"], "amount": 1, "block_for": "5s"}, headers=WORKER
        )
        (task,) = response.json()
        await api.put(f"/tasques/done/q/{task['id']}", json={"data": {"answer": 42}}, headers=_lease(task))

    working = asyncio.create_task(worker())
    response = await api.post("/tasques?wait=5s", json={"queue": "q", "kind": "k"})
    await working

    assert response.status_code == 201
    assert response.json()["state"] == "done"
    assert response.json()["last_claimed"]["result"]["success"] == {"answer": 42}


async def test_a_wait_that_runs_out_answers_202(api: httpx.AsyncClient) -> None:
    single = await api.post("/tasques?wait=50ms", json={"queue": "q", "kind": "k"})
    batch = await api.post("/tasques/batch?wait=50ms", json={"tasks": [{"queue": "q", "kind": "k"}]})
    too_long = await api.post("/tasques?wait=1h", json={"queue": "q", "kind": "k", "id": "never"})
    malformed = await api.post("/tasques?wait=soon", json={"queue": "q", "kind": "k", "id": "never"})

    assert (single.status_code, single.json()["state"]) == (202, "queued")
    assert (batch.status_code, batch.json()["results"][0]["task"]["state"]) == (202, "queued")
    assert too_long.status_code == 400
    assert malformed.status_code == 400
    assert (await api.get("/tasques/q/never")).status_code == 404


async def test_result_is_202_until_finished_then_200(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="r")
    pending = await api.get("/tasques/q/r/result")
    (claimed,) = await claim(api)
    await api.put("/tasques/failed/q/r", json={"data": {"error": "x"}}, headers=_lease(claimed))
    retrying = await api.get("/tasques/q/r/result")

    assert (pending.status_code, pending.json()["state"]) == (202, "queued")
    assert (retrying.status_code, retrying.json()["state"]) == (202, "failed")
    assert (await api.get("/tasques/q/nope/result")).status_code == 404


async def test_checkpoint_round_trip_and_attempts(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="c", retry_times=2)
    (claimed,) = await claim(api)
    reported = await api.put(
        "/tasques/reports/q/c",
        json={"data": {"pct": 50}, "checkpoint": {"offset": 500}},
        headers=_lease(claimed),
    )
    await api.delete("/tasques/claims/q/c", headers=_lease(claimed))
    (again,) = await claim(api, worker="worker-2")
    attempts = await api.get("/tasques/q/c/attempts")

    assert reported.json()["checkpoint"]["data"] == {"offset": 500}
    assert again["checkpoint"] == reported.json()["checkpoint"]
    body = attempts.json()
    assert [attempt.get("outcome") for attempt in body["attempts"]] == ["unclaimed", None]
    assert [event["kind"] for event in body["attempts"][0]["events"]] == ["claimed", "reported", "unclaimed"]
    assert body["attempts"][1]["worker_id"] == "worker-2"
    assert (await api.get("/tasques/q/missing/attempts")).status_code == 404


async def test_batch_finish_over_http(api: httpx.AsyncClient) -> None:
    for task_id in ("a", "b"):
        await enqueue(api, id=task_id)
    claimed = {task["id"]: task for task in await claim(api, amount=2)}

    response = await api.post(
        "/tasques/batch/finish",
        json={
            "items": [
                {
                    "queue": "q",
                    "id": "a",
                    "outcome": "done",
                    "data": {"n": 1},
                    "lease_token": claimed["a"]["lease_token"],
                },
                {"queue": "q", "id": "b", "outcome": "done", "lease_token": "stale"},
            ]
        },
        headers=WORKER,
    )
    missing_header = await api.post(
        "/tasques/batch/finish", json={"items": [{"queue": "q", "id": "a", "outcome": "done"}]}
    )
    duplicated = await api.post(
        "/tasques/batch/finish",
        json={"items": [{"queue": "q", "id": "a", "outcome": "done"}] * 2},
        headers=WORKER,
    )

    body = response.json()
    assert (body["succeeded"], body["failed"]) == (1, 1)
    assert body["results"][0]["task"]["state"] == "done"
    assert body["results"][1]["status"] == 409
    assert missing_header.status_code == 400
    assert duplicated.status_code == 400
