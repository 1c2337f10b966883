"""Queues, single-task admin actions and bulk actions over HTTP."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.maintenance.admin_jobs import AdminJobRunner, AdminJobSettings
from app.storage.sqlite import SqliteTaskStore
from tests.api.conftest import SETTINGS, WORKER, claim, enqueue, serving

T0 = datetime(2026, 1, 1, tzinfo=UTC)


async def _dead(
    api: httpx.AsyncClient, task_id: str, *, args: dict[str, Any] | None = None, failure: object = None
) -> None:
    await enqueue(api, id=task_id, retry_times=0, args=args or {})
    (task,) = await claim(api)
    data = failure if failure is not None else {"e": 1}
    await api.put(f"/tasques/failed/q/{task['id']}", json={"data": data}, headers=WORKER)


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


def _at(minutes: int) -> str:
    return (T0 + timedelta(minutes=minutes)).isoformat()


async def _ids(response: httpx.Response, key: str = "tasks") -> list[str]:
    assert response.status_code == 200, response.text
    return [task["id"] for task in response.json()[key]]


async def test_a_bulk_query_takes_every_search_filter_and_acts_on_what_search_lists(tmp_path: Path) -> None:
    clock = FrozenClock(T0)
    store = SqliteTaskStore(tmp_path / "bulk.db")
    components = build_components(Settings.model_validate(SETTINGS), clock=clock, store=store)
    async with serving(components) as api:
        reports = ["nightly", "nightly", "weekly", "nightly", "nightly"]
        errors = ["disk full", "timeout", "disk full", "disk full", "disk full"]
        for index, (report, error) in enumerate(zip(reports, errors, strict=True)):
            await _dead(api, f"t{index}", args={"report": report}, failure={"error": error})
            clock.advance(timedelta(minutes=1))
        queries: list[dict[str, Any]] = [
            {"error_text": "disk"},
            {"text": "nightly", "finished_before": _at(2)},
            {"claimed_after": _at(1), "run_at_before": _at(4), "kind": ["k"]},
            {
                "queue": ["q"],
                "state": ["dead"],
                "error_text": "disk",
                "text": "nightly",
                "created_after": _at(1),
            },
        ]
        for query in queries:
            listed = await _ids(await api.post("/tasques/_search", json=query))
            preview = await api.post("/tasques/_bulk/retry", json={"query": query, "dry_run": True})
            assert (preview.json()["count"], await _ids(preview, "sample")) == (len(listed), listed), query

        expected = await _ids(await api.post("/tasques/_search", json=queries[-1]))
        started = await api.post("/tasques/_bulk/retry", json={"query": queries[-1]})
        runner = AdminJobRunner(store, components.admin, settings=AdminJobSettings(batch_size=1))
        for _ in range(3):
            await runner.run_once()
        job = (await api.get(f"/admin/jobs/{started.json()['job']['id']}")).json()["job"]
        queued = await _ids(await api.post("/tasques/_search", json={"state": ["queued"]}))

    assert expected == ["t4", "t3"]
    assert (job["status"], job["total"], job["succeeded"]) == ("done", 2, 2)
    assert queued == expected


@pytest.mark.parametrize(
    "query",
    [
        {"error_text": "x" * 1001},
        {"text": 5},
        {"created_after": "2026-01-01T00:00:00"},
        {"finished_after": _at(2), "finished_before": _at(1)},
        {"state": ["asleep"]},
        {"nonsense": 1},
    ],
)
async def test_a_bulk_query_answers_400_where_search_does(
    api: httpx.AsyncClient, query: dict[str, Any]
) -> None:
    searched = await api.post("/tasques/_search", json=query)
    bulk = await api.post("/tasques/_bulk/retry", json={"query": query, "dry_run": True})

    assert (searched.status_code, bulk.status_code) == (400, 400), bulk.text


@pytest.mark.parametrize(
    "query", [{"sort": "created"}, {"order": "asc"}, {"cursor": "x"}, {"limit": 5}, {"aggs": []}]
)
async def test_a_bulk_query_takes_no_paging_or_aggregations(
    api: httpx.AsyncClient, query: dict[str, Any]
) -> None:
    bulk = await api.post("/tasques/_bulk/retry", json={"query": query, "dry_run": True})

    assert bulk.status_code == 400, bulk.text


async def test_the_older_plural_names_still_work_but_not_alongside_the_new_ones(
    api: httpx.AsyncClient,
) -> None:
    await _dead(api, "d0")
    older = await api.post(
        "/tasques/_bulk/retry", json={"query": {"queues": ["q"], "states": ["dead"]}, "dry_run": True}
    )
    both = await api.post(
        "/tasques/_bulk/retry", json={"query": {"queues": ["q"], "queue": ["q"]}, "dry_run": True}
    )
    archive = await api.post(
        "/tasques/_bulk/cancel", json={"query": {"include_archive": True}, "dry_run": True}
    )

    assert older.json()["count"] == 1
    assert both.status_code == 400
    assert "name the same filter" in both.text
    assert archive.status_code == 400
