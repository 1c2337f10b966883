"""Queues, single-task admin actions and bulk actions over HTTP."""

import httpx

from app.components import Components
from app.maintenance.admin_jobs import AdminJobRunner, AdminJobSettings
from tests.api.conftest import WORKER, claim, enqueue


async def _dead(api: httpx.AsyncClient, task_id: str) -> None:
    await enqueue(api, id=task_id, retry_times=0)
    (task,) = await claim(api)
    await api.put(f"/tasques/failed/q/{task['id']}", json={"data": {"e": 1}}, headers=WORKER)


async def test_queues_overview_and_pause(api: httpx.AsyncClient) -> None:
    await _dead(api, "b")
    await enqueue(api, id="a")

    paused = await api.post("/queues/q/pause")
    blocked = await claim(api)
    overview = (await api.get("/queues")).json()["queues"]
    resumed = await api.post("/queues/q/resume")

    assert paused.json()["paused"] is True
    assert blocked == []
    assert overview == [
        {
            "queue": "q",
            "counts": {"queued": 1, "dead": 1},
            "oldest_queued_age_seconds": overview[0]["oldest_queued_age_seconds"],
            "paused": True,
            "unclaimable": 0,
            "throughput": [
                {"window_seconds": 60, "done": 0, "failed": 0, "dead": 1, "cancelled": 0},
                {"window_seconds": 300, "done": 0, "failed": 0, "dead": 1, "cancelled": 0},
            ],
        }
    ]
    assert resumed.json()["paused"] is False
    assert [task["id"] for task in await claim(api)] == ["a"]
    assert (await api.post("/queues/Bad/pause")).status_code == 400


async def test_single_task_actions(api: httpx.AsyncClient) -> None:
    await _dead(api, "d")
    await enqueue(api, id="later", run_at="2099-01-01T00:00:00Z")

    retried = await api.post("/tasques/q/d/retry")
    retry_again = await api.post("/tasques/q/d/retry")
    requeued = await api.post("/tasques/q/later/requeue")
    reprioritized = await api.post("/tasques/q/later/reprioritize", json={"priority": 9})
    deleted = await api.delete("/tasques/q/later")

    assert (retried.json()["state"], retried.json()["attempted"]) == ("queued", 0)
    assert retry_again.status_code == 409
    assert requeued.json()["run_at"] < "2099"
    assert reprioritized.json()["priority"] == 9
    assert deleted.status_code == 204
    assert (await api.get("/tasques/q/later")).status_code == 404


async def test_bulk_retry_dry_run_then_job(api: httpx.AsyncClient, components: Components) -> None:
    for index in range(3):
        await _dead(api, f"dead-{index}")
    body = {"query": {"queues": ["q"], "states": ["dead"]}}

    preview = await api.post("/tasques/_bulk/retry", json={**body, "dry_run": True})
    started = await api.post("/tasques/_bulk/retry", json=body)
    job_id = started.json()["job"]["id"]
    # The leader runs admin jobs; drive one runner pass here instead of waiting for the election.
    await AdminJobRunner(components.store, components.admin, settings=AdminJobSettings()).run_once()
    job = (await api.get(f"/admin/jobs/{job_id}")).json()["job"]
    bad_action = await api.post("/tasques/_bulk/explode", json=body)
    archive = await api.post(
        "/tasques/_bulk/retry", json={"query": {"queues": ["q"]}, "include_archive": True}
    )

    assert preview.json()["count"] == 3
    assert len(preview.json()["sample"]) == 3
    assert started.status_code == 202
    assert started.json()["job"]["total"] == 3
    assert (job["status"], job["processed"], job["succeeded"], job["skipped"]) == ("done", 3, 3, 0)
    assert {
        task["state"] for task in (await api.get("/tasques/_search", params={"queue": "q"})).json()["tasks"]
    } == {"queued"}
    assert bad_action.status_code == 400
    assert archive.status_code == 400
    assert (await api.get("/admin/jobs/nope")).status_code == 404
