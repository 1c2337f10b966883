"""Finding 4: the queue a request touches is the route's own ``{queue}`` parameter, never a regex over the
raw path (queues named like route words: ``batch``, ``done``, ``reports``, ``failed``, ``cancelled``,
``claims``). Finding 8: ``POST /tasques/_search`` needs ``read``."""

import httpx
import pytest

from tests.security.conftest import key

ROUTE_WORD_QUEUES = ["batch", "done", "reports", "failed", "cancelled", "claims"]


async def _enqueue_as_root(secured: httpx.AsyncClient, queue: str, task_id: str) -> None:
    created = await secured.post(
        "/tasques", json={"queue": queue, "kind": "k", "id": task_id}, headers=key("root")
    )
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("queue", ROUTE_WORD_QUEUES)
async def test_a_key_for_other_queues_cannot_touch_tasks_in_queues_named_like_route_words(
    secured: httpx.AsyncClient, queue: str
) -> None:
    # The id looks like a covered queue: the old path regex took it for the queue.
    await _enqueue_as_root(secured, queue, "a-1")
    attempts = [
        ("a-reader", "GET", f"/tasques/{queue}/a-1", None),
        ("a-reader", "GET", f"/tasques/{queue}/a-1/attempts", None),
        ("a-reader", "GET", f"/tasques/{queue}/a-1/result", None),
        ("a-producer", "POST", f"/tasques/{queue}/a-1/cancel", {}),
        ("a-admin", "POST", f"/tasques/{queue}/a-1/reprioritize", {"priority": 5}),
        ("a-admin", "DELETE", f"/tasques/{queue}/a-1", None),
    ]
    for name, method, path, body in attempts:
        response = await secured.request(method, path, json=body, headers=key(name))
        assert response.status_code == 403, (name, method, path, response.text)
        assert response.json()["error"] == "forbidden"
        assert f"queue [{queue}]" in response.json()["message"]
    task = (await secured.get(f"/tasques/{queue}/a-1", headers=key("root"))).json()
    assert (task["state"], task["priority"]) == ("queued", 0)


async def test_the_worker_routes_check_their_queue_parameter(secured: httpx.AsyncClient) -> None:
    await _enqueue_as_root(secured, "b", "a-2")
    claimed = await secured.post(
        "/tasques/claims", json={"queues": ["b"], "block_for": "0s"}, headers=key("root")
    )
    assert [task["id"] for task in claimed.json()] == ["a-2"]
    for method, path in [
        ("PUT", "/tasques/done/b/a-2"),
        ("PUT", "/tasques/reports/b/a-2"),
        ("PUT", "/tasques/failed/b/a-2"),
        ("PUT", "/tasques/cancelled/b/a-2"),
        ("DELETE", "/tasques/claims/b/a-2"),
    ]:
        response = await secured.request(method, path, json={}, headers=key("a-worker"))
        assert response.status_code == 403, (method, path, response.text)


async def test_queue_patterns_still_admit_their_own_queues(secured: httpx.AsyncClient) -> None:
    await _enqueue_as_root(secured, "a-batch", "t")
    assert (await secured.get("/tasques/a-batch/t", headers=key("a-reader"))).status_code == 200
    reprioritised = await secured.post(
        "/tasques/a-batch/t/reprioritize", json={"priority": 3}, headers=key("a-admin")
    )
    assert reprioritised.status_code == 200, reprioritised.text


async def test_post_search_needs_only_read(secured: httpx.AsyncClient) -> None:
    await _enqueue_as_root(secured, "a-x", "t")
    response = await secured.post("/tasques/_search", json={"queue": ["a-x"]}, headers=key("a-reader"))
    assert response.status_code == 200, response.text
    assert [task["id"] for task in response.json()["tasks"]] == ["t"]
    other = await secured.post("/tasques/_search", json={"queue": ["b"]}, headers=key("a-reader"))
    assert other.status_code == 403
