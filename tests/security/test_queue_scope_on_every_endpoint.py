"""Finding 5: every endpoint filters or refuses by the key's queues: recurring definitions by the queue
they fire into, push workers and pipelines by theirs, admin jobs by their query; ``/queues`` lists only
covered queues and ``/metrics`` needs a key for every queue."""

import httpx

from tests.security.conftest import key

OTHER_RECURRING = {
    "id": "billing-nightly",
    "schedule_expression": "0 2 * * *",
    "task_definition": {"queue": "billing", "kind": "k", "args": {"db_password": "hunter2"}},
}
OWN_RECURRING = {**OTHER_RECURRING, "id": "a-nightly", "task_definition": {"queue": "a-q", "kind": "k"}}


async def _as_root(secured: httpx.AsyncClient, method: str, path: str, body: object) -> httpx.Response:
    response = await secured.request(method, path, json=body, headers=key("root"))
    assert response.status_code in (200, 201, 202), response.text
    return response


async def test_recurring_definitions_of_other_queues_are_hidden_and_untouchable(
    secured: httpx.AsyncClient,
) -> None:
    await _as_root(secured, "POST", "/recurring_tasques", OTHER_RECURRING)
    await _as_root(secured, "POST", "/recurring_tasques", OWN_RECURRING)
    listed = await secured.get("/recurring_tasques", headers=key("a-reader"))
    assert [item["id"] for item in listed.json()] == ["a-nightly"]
    assert "hunter2" not in listed.text
    attempts = [
        ("a-reader", "GET", "/recurring_tasques/billing-nightly", None),
        ("a-admin", "PUT", "/recurring_tasques/billing-nightly", {"schedule_expression": "* * * * *"}),
        ("a-admin", "POST", "/recurring_tasques/billing-nightly/pause", None),
        ("a-admin", "POST", "/recurring_tasques/billing-nightly/resume", None),
        (
            "a-admin",
            "POST",
            "/recurring_tasques/billing-nightly/backfill",
            {"start": "2026-01-01T00:00:00Z", "end": "2026-01-02T00:00:00Z"},
        ),
        (
            "a-admin",
            "PUT",
            "/recurring_tasques/a-nightly",
            {"task_definition": {"queue": "billing", "kind": "k"}},
        ),
        ("a-admin", "DELETE", "/recurring_tasques/billing-nightly", None),
    ]
    for name, method, path, body in attempts:
        response = await secured.request(method, path, json=body, headers=key(name))
        assert response.status_code == 403, (method, path, response.text)
        assert "hunter2" not in response.text
    stored = (await secured.get("/recurring_tasques/billing-nightly", headers=key("root"))).json()
    assert (stored["schedule_expression"], stored.get("paused", False)) == ("0 2 * * *", False)
    own = await secured.post("/recurring_tasques/a-nightly/pause", headers=key("a-admin"))
    assert own.status_code == 200, own.text


async def test_push_workers_of_other_queues_are_hidden_and_untouchable(secured: httpx.AsyncClient) -> None:
    other = {
        "id": "billing-pusher",
        "queues": ["billing"],
        "url": "http://127.0.0.1:9/push?token=s3cret",
        "secret": "x" * 32,
    }
    own = {"id": "a-pusher", "queues": ["a-q"], "url": "http://127.0.0.1:9/push", "secret": "x" * 32}
    await _as_root(secured, "POST", "/workers/push", other)
    await _as_root(secured, "POST", "/workers/push", own)
    listed = await secured.get("/workers/push", headers=key("a-reader"))
    assert [worker["id"] for worker in listed.json()] == ["a-pusher"]
    assert (await secured.get("/workers/push/billing-pusher", headers=key("a-reader"))).status_code == 403
    assert (await secured.delete("/workers/push/billing-pusher", headers=key("a-admin"))).status_code == 403
    assert (await secured.get("/workers/push/billing-pusher", headers=key("root"))).status_code == 200


async def test_pipelines_of_other_queues_are_refused(secured: httpx.AsyncClient) -> None:
    body = {
        "id": "billing-chain",
        "chain": [{"queue": "billing", "kind": "k"}, {"queue": "a-q", "kind": "k"}],
    }
    await _as_root(secured, "POST", "/pipelines", body)
    assert (await secured.get("/pipelines/billing-chain", headers=key("a-reader"))).status_code == 403
    assert (await secured.get("/pipelines/billing-chain", headers=key("root"))).status_code == 200


async def test_admin_jobs_are_shown_only_to_keys_covering_their_query(secured: httpx.AsyncClient) -> None:
    started = await _as_root(secured, "POST", "/tasques/_bulk/cancel", {"query": {"queue": ["billing"]}})
    job_id = started.json()["job"]["id"]
    assert (await secured.get(f"/admin/jobs/{job_id}", headers=key("a-reader"))).status_code == 403
    everywhere = await _as_root(secured, "POST", "/tasques/_bulk/cancel", {"query": {}})
    assert (
        await secured.get(f"/admin/jobs/{everywhere.json()['job']['id']}", headers=key("a-reader"))
    ).status_code == 403
    assert (await secured.get(f"/admin/jobs/{job_id}", headers=key("root"))).status_code == 200


async def test_queues_lists_only_covered_queues_and_metrics_needs_an_unscoped_key(
    secured: httpx.AsyncClient,
) -> None:
    for queue in ("billing", "a-q"):
        await _as_root(secured, "POST", "/tasques", {"queue": queue, "kind": "k"})
    listed = await secured.get("/queues", headers=key("a-reader"))
    assert [entry["queue"] for entry in listed.json()["queues"]] == ["a-q"]
    refused = await secured.get("/metrics", headers=key("a-reader"))
    assert refused.status_code == 403
    assert "billing" not in refused.text
    assert (await secured.get("/metrics", headers=key("root"))).status_code == 200
