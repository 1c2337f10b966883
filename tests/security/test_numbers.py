"""Finding 7: numbers the stores cannot hold are 400s, with one bound per field used everywhere
(``app.domain.bounds``)."""

import base64
import json

import httpx
import pytest

from app.domain.bounds import PRIORITY_MAX, RETRY_TIMES_MAX
from tests.api.conftest import WORKER, enqueue

HUGE = [2**31, 2**40, 2**63, 2**100]


@pytest.mark.parametrize("retry_times", [RETRY_TIMES_MAX + 1, 2**63, 2**100])
async def test_retry_times_beyond_the_bound_is_400_on_enqueue_recurring_and_pipelines(
    api: httpx.AsyncClient, retry_times: int
) -> None:
    definition = {"queue": "q", "kind": "k", "retry_times": retry_times}
    attempts = [
        ("/tasques", {**definition, "id": "t"}),
        ("/tasques/batch", {"tasks": [definition]}),
        (
            "/recurring_tasques",
            {"id": "r", "schedule_expression": "* * * * *", "task_definition": definition},
        ),
        ("/pipelines", {"id": "p", "chain": [definition]}),
    ]
    for path, body in attempts:
        response = await api.post(path, json=body)
        assert response.status_code == 400, (path, response.text)
        assert "retry_times" in response.json()["message"]
    assert (await api.get("/tasques/_search")).json()["tasks"] == []


async def test_the_bound_itself_is_accepted(api: httpx.AsyncClient) -> None:
    task = await enqueue(api, retry_times=RETRY_TIMES_MAX, priority=PRIORITY_MAX)
    assert (task["retry_times"], task["priority"]) == (RETRY_TIMES_MAX, PRIORITY_MAX)


@pytest.mark.parametrize("priority", HUGE)
async def test_reprioritise_takes_the_enqueue_bound(api: httpx.AsyncClient, priority: int) -> None:
    await enqueue(api, id="t")
    single = await api.post("/tasques/q/t/reprioritize", json={"priority": priority})
    bulk = await api.post(
        "/tasques/_bulk/reprioritize", json={"query": {"queue": ["q"]}, "priority": priority}
    )
    assert (single.status_code, bulk.status_code) == (400, 400), (single.text, bulk.text)
    assert (await api.get("/tasques/q/t")).json()["priority"] == 0


@pytest.mark.parametrize("value", [2**63, -(2**63) - 1, 2**100])
async def test_a_cursor_holding_a_huge_integer_is_400(api: httpx.AsyncClient, value: int) -> None:
    await enqueue(api)
    for sort in ("priority", "created"):
        ordering = f"{sort}:desc"
        cursor = base64.urlsafe_b64encode(json.dumps({"sort": ordering, "key": [value, "q", "x"]}).encode())
        response = await api.get("/tasques/_search", params={"sort": sort, "cursor": cursor.decode()})
        assert response.status_code == 400, (sort, response.text)
        assert "cursor is not one this server handed out" in response.json()["message"]


@pytest.mark.parametrize("amount", [2**63, 2**100])
async def test_huge_claim_amounts_and_search_limits_are_400(api: httpx.AsyncClient, amount: int) -> None:
    claim = await api.post(
        "/tasques/claims", json={"queues": ["q"], "amount": amount, "block_for": "0s"}, headers=WORKER
    )
    search = await api.get("/tasques/_search", params={"limit": str(amount)})
    push = await api.post(
        "/workers/push",
        json={
            "id": "w",
            "queues": ["q"],
            "url": "http://127.0.0.1:9/",
            "secret": "x" * 32,
            "max_in_flight": amount,
        },
    )
    assert (claim.status_code, search.status_code, push.status_code) == (400, 400, 400)
