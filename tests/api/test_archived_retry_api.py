"""Dead letters stay retryable after archiving: single and bulk retry (dry run too) over HTTP, on both
backends, with the archiver's passes run at the frozen clock's time."""

from datetime import timedelta
from typing import Any

from app.maintenance.admin_jobs import AdminJobRunner, AdminJobSettings
from app.maintenance.archiver import Archiver, ArchiverSettings
from tests.api.conftest import WORKER, BackendApi

ARCHIVE_AFTER = timedelta(hours=1)


async def _dead(backend_api: BackendApi, task_id: str) -> None:
    api = backend_api.client
    created = await api.post("/tasques", json={"queue": "q", "kind": "k", "id": task_id, "retry_times": 0})
    assert created.status_code == 201, created.text
    await backend_api.make_searchable()
    claimed = await api.post("/tasques/claims", json={"queues": ["q"], "amount": 1}, headers=WORKER)
    assert [task["id"] for task in claimed.json()] == [task_id]
    failed = await api.put(f"/tasques/failed/q/{task_id}", json={"data": {"error": "boom"}}, headers=WORKER)
    assert failed.json()["state"] == "dead"


async def _archive(backend_api: BackendApi) -> None:
    backend_api.clock.advance(ARCHIVE_AFTER + timedelta(seconds=1))
    await backend_api.make_searchable()
    settings = ArchiverSettings(
        archive_after=ARCHIVE_AFTER, dedup_window=timedelta(days=1), retention=timedelta(days=2)
    )
    store = backend_api.components.store
    archiver = Archiver(store, settings=settings, clock=backend_api.clock, store_keeps_retention=False)
    assert (await archiver.run_once()).work_done > 0
    await backend_api.make_searchable()


async def _everything(backend_api: BackendApi) -> list[tuple[str, str]]:
    """(id, state) of every task a search over live and archived tasks lists."""
    await backend_api.make_searchable()
    found = await backend_api.client.get("/tasques/_search", params={"include_archive": "true"})
    tasks: list[dict[str, Any]] = found.json()["tasks"]
    return sorted((task["id"], task["state"]) for task in tasks)


async def test_an_archived_dead_task_is_retried_with_fresh_attempts_and_its_history(
    backend_api: BackendApi,
) -> None:
    api = backend_api.client
    await _dead(backend_api, "dlq")
    await _archive(backend_api)
    archived = await api.get("/tasques/q/dlq")

    retried = await api.post("/tasques/q/dlq/retry")
    read_back = await api.get("/tasques/q/dlq")
    retried_again = await api.post("/tasques/q/dlq/retry")
    duplicate = await api.post("/tasques", json={"queue": "q", "kind": "k", "id": "dlq"})
    attempts = await api.get("/tasques/q/dlq/attempts")

    assert archived.json()["state"] == "dead"
    assert retried.status_code == 200, retried.text
    assert (retried.json()["state"], retried.json()["attempted"]) == ("queued", 0)
    assert read_back.json() == retried.json()
    assert retried_again.status_code == 409
    assert retried_again.json()["error"] == "invalid_transition"
    assert duplicate.status_code == 409
    assert "dead" in [attempt.get("outcome") for attempt in attempts.json()["attempts"]]
    assert await _everything(backend_api) == [("dlq", "queued")]


async def test_bulk_retry_with_include_archive_dry_run_then_job(backend_api: BackendApi) -> None:
    api = backend_api.client
    for task_id in ("old-0", "old-1"):
        await _dead(backend_api, task_id)
    await _archive(backend_api)
    await _dead(backend_api, "recent")
    await backend_api.make_searchable()
    body = {"query": {"queue": ["q"], "state": ["dead"], "include_archive": True}}

    preview = await api.post("/tasques/_bulk/retry", json={**body, "dry_run": True})
    started = await api.post("/tasques/_bulk/retry", json=body)
    # The leader runs admin jobs; drive one runner pass here instead of waiting for an election.
    await AdminJobRunner(
        backend_api.components.store, backend_api.components.admin, settings=AdminJobSettings()
    ).run_once()
    job = (await api.get(f"/admin/jobs/{started.json()['job']['id']}")).json()["job"]

    assert preview.status_code == 200, preview.text
    assert preview.json()["count"] == 3
    assert sorted(task["id"] for task in preview.json()["sample"]) == ["old-0", "old-1", "recent"]
    assert started.status_code == 202
    assert (job["status"], job["total"], job["succeeded"], job["skipped"]) == ("done", 3, 3, 0)
    assert await _everything(backend_api) == [("old-0", "queued"), ("old-1", "queued"), ("recent", "queued")]


async def test_other_bulk_actions_on_the_archive_are_refused_and_change_nothing(
    backend_api: BackendApi,
) -> None:
    await _dead(backend_api, "dlq")
    await _archive(backend_api)
    query = {"queue": ["q"], "include_archive": True}

    cancel = await backend_api.client.post("/tasques/_bulk/cancel", json={"query": query})
    delete = await backend_api.client.post("/tasques/_bulk/delete", json={"query": query, "dry_run": True})

    assert (cancel.status_code, delete.status_code) == (400, 400)
    assert cancel.json()["message"] == (
        "archived tasks are read-only: cancel applies to live tasks (only retry takes include_archive)"
    )
    assert await _everything(backend_api) == [("dlq", "dead")]
