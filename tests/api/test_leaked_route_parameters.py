"""Query parameters the committed OpenAPI still lists for the retry, requeue, pause and resume routes
(left from when they were built in a loop) take only the route's own value; any other is refused."""

import httpx

from tests.api.conftest import enqueue


async def test_a_retry_asked_to_delete_is_refused_and_the_task_stays(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="t1")

    refused = await api.post("/tasques/q/t1/retry", params={"action": "delete"})

    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_input"
    assert (await api.get("/tasques/q/t1")).status_code == 200


async def test_a_requeue_asked_to_retry_is_refused(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="t1")
    assert (await api.post("/tasques/q/t1/requeue", params={"action": "retry"})).status_code == 400


async def test_pause_and_resume_take_only_their_own_direction(api: httpx.AsyncClient) -> None:
    assert (await api.post("/queues/q/pause", params={"paused": "false"})).status_code == 400
    assert (await api.post("/queues/q/resume", params={"paused": "true"})).status_code == 400
    assert not any(queue["paused"] for queue in (await api.get("/queues")).json()["queues"])
    assert (await api.post("/queues/q/pause")).json()["paused"] is True
    assert (await api.post("/queues/q/resume")).json()["paused"] is False
