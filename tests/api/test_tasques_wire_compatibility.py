"""The README flow over HTTP, checked field by field against Tasques' wire format."""

import re

import httpx

from tests.api.conftest import WORKER, claim, enqueue

RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


async def test_create_returns_a_queued_task_in_tasques_shape(api: httpx.AsyncClient) -> None:
    task = await enqueue(api, args={"name": "x", "nothing": None}, priority=3, processing_timeout="90s")

    assert re.fullmatch(r"[0-9a-f]{32}", str(task["id"]))
    assert task["state"] == "queued"
    assert task["attempted"] == 0
    assert task["retry_times"] == 25
    assert task["priority"] == 3
    assert task["processing_timeout"] == "1m30s"
    assert task["args"] == {"name": "x", "nothing": None}
    assert "last_claimed" not in task
    assert "context" not in task
    assert "recurring_task_id" not in task
    assert None not in task.values()
    assert task["last_enqueued_at"] == task["run_at"]
    metadata = task["metadata"]
    assert isinstance(metadata, dict)
    assert RFC3339.match(metadata["created_at"])
    assert set(metadata["version"]) == {"seq_num", "primary_term"}


async def test_go_swagger_zero_time_run_at_means_now(api: httpx.AsyncClient) -> None:
    task = await enqueue(api, run_at="0001-01-01T00:00:00.000Z")
    assert task["run_at"] == task["last_enqueued_at"]


async def test_full_worker_flow_claim_report_done(api: httpx.AsyncClient) -> None:
    created = await enqueue(api, id="job-1", args={"n": 1})

    (claimed,) = await claim(api)
    assert claimed["id"] == "job-1"
    assert claimed["state"] == "claimed"
    assert claimed["attempted"] == 1
    last_claimed = claimed["last_claimed"]
    assert isinstance(last_claimed, dict)
    assert last_claimed["worker_id"] == "worker-1"
    assert isinstance(claimed["lease_token"], str)
    lease = {**WORKER, "X-TASQUES-LEASE-TOKEN": claimed["lease_token"]}

    report = await api.put("/tasques/reports/q/job-1", json={"data": {"progress": 0.5}}, headers=lease)
    assert report.status_code == 200
    assert report.json()["last_claimed"]["last_report"]["data"] == {"progress": 0.5}
    assert "lease_token" not in report.json()

    done = await api.put("/tasques/done/q/job-1", json={"data": {"answer": 42}}, headers=lease)
    assert done.status_code == 200
    assert done.json()["state"] == "done"
    assert done.json()["last_claimed"]["result"] == {
        "at": done.json()["metadata"]["modified_at"],
        "success": {"answer": 42},
    }

    fetched = await api.get("/tasques/q/job-1")
    assert fetched.json() == done.json()
    assert fetched.json()["metadata"]["created_at"] == created["metadata"]["created_at"]  # type: ignore[index]


async def test_failure_requeues_then_dies(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="flaky", retry_times=0)
    await claim(api)

    failed = await api.put("/tasques/failed/q/flaky", json={"data": {"error": "nope"}}, headers=WORKER)

    assert failed.status_code == 200
    assert failed.json()["state"] == "dead"
    assert failed.json()["last_claimed"]["result"]["failure"] == {"error": "nope"}


async def test_unclaim_returns_the_task_to_the_queue(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="u")
    await claim(api)

    unclaimed = await api.delete("/tasques/claims/q/u", headers=WORKER)

    assert unclaimed.status_code == 200
    assert unclaimed.json()["state"] == "queued"
    assert unclaimed.json()["attempted"] == 0
    assert [task["id"] for task in await claim(api, worker="worker-2")] == ["u"]


async def test_claim_defaults_and_amount_zero(api: httpx.AsyncClient) -> None:
    await enqueue(api)
    await enqueue(api)

    nothing = await api.post("/tasques/claims", json={"queues": ["q"], "amount": 0}, headers=WORKER)
    default_amount = await api.post("/tasques/claims", json={"queues": [], "block_for": "0s"}, headers=WORKER)

    assert nothing.json() == []
    assert len(default_amount.json()) == 1


async def test_batch_enqueue_reports_each_item(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="taken")

    response = await api.post(
        "/tasques/batch",
        json={
            "tasks": [{"queue": "q", "kind": "k", "id": "taken"}, {"queue": "q", "kind": "k", "id": "new"}]
        },
    )

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["conflicts"]) == (1, 1)
    assert body["results"][0]["status"] == 409
    assert body["results"][0]["error"]["message"] == "Task with Id [taken] already exists "
    assert body["results"][1]["task"]["id"] == "new"


async def test_bodies_are_json_whatever_the_content_type(api: httpx.AsyncClient) -> None:
    # curl -d sends application/x-www-form-urlencoded; Tasques parsed the body as JSON regardless.
    for content_type in ["application/x-www-form-urlencoded", "text/plain"]:
        response = await api.post(
            "/tasques", content=b'{"queue": "q", "kind": "k"}', headers={"content-type": content_type}
        )
        assert response.status_code == 201, response.text
    no_header = await api.post(
        "/tasques", content=b'{"queue": "q", "kind": "k"}', headers={"content-type": ""}
    )
    assert no_header.status_code == 201, no_header.text


async def test_search_lists_newest_first_with_a_cursor(api: httpx.AsyncClient) -> None:
    for index in range(3):
        await enqueue(api, id=f"s{index}")
    await enqueue(api, id="other", queue="elsewhere")

    first = await api.get("/tasques/_search", params={"queue": "q", "limit": 2})
    second = await api.get(
        "/tasques/_search", params={"queue": "q", "limit": 2, "cursor": first.json()["next_cursor"]}
    )
    by_state = await api.get(
        "/tasques/_search", params=[("state", "queued"), ("queue", "q"), ("queue", "elsewhere")]
    )

    assert [task["id"] for task in first.json()["tasks"]] == ["s2", "s1"]
    assert [task["id"] for task in second.json()["tasks"]] == ["s0"]
    assert second.json()["next_cursor"] is None
    assert len(by_state.json()["tasks"]) == 4
    assert (await api.get("/tasques/_search", params={"cursor": "garbage"})).status_code == 400
    assert (await api.get("/tasques/_search", params={"limit": 0})).status_code == 400
    assert (await api.get("/tasques/_search", params={"state": "sleeping"})).status_code == 400
    assert (await api.get("/tasques/_search", params={"queue": "Bad"})).status_code == 400
