"""POST/GET /pipelines and /workers/push over HTTP: shapes, validation, errors, auth, secrets kept in."""

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.components import build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore

SECRET = "0123456789abcdef-do-not-leak"
WORKER = {"X-TASQUES-WORKER-ID": "worker-1"}


async def create_pipeline(api: httpx.AsyncClient, body: dict[str, Any], status: int = 201) -> dict[str, Any]:
    response = await api.post("/pipelines", json=body)
    assert response.status_code == status, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def finish(api: httpx.AsyncClient, queue: str, task_id: str, data: dict[str, Any]) -> None:
    claimed = await api.post(
        "/tasques/claims", json={"queues": [queue], "amount": 1, "block_for": "1s"}, headers=WORKER
    )
    (task,) = claimed.json()
    assert task["id"] == task_id
    done = await api.put(f"/tasques/done/{queue}/{task_id}", json={"data": data}, headers=WORKER)
    assert done.status_code == 200, done.text


async def pipeline_when(
    api: httpx.AsyncClient, pipeline_id: str, member_states: list[str], state: str = "running"
) -> dict[str, Any]:
    """Poll until the leader's advancer has moved the pipeline (and its members) there."""
    deadline = time.monotonic() + 10
    body: dict[str, Any] = {}
    while time.monotonic() < deadline:
        body = (await api.get(f"/pipelines/{pipeline_id}")).json()
        if [member["state"] for member in body["members"]] == member_states and body["state"] == state:
            break
        await asyncio.sleep(0.05)
    return body


async def test_a_chain_is_advanced_by_the_leader(api: httpx.AsyncClient) -> None:
    created = await create_pipeline(
        api,
        {
            "id": "report",
            "chain": [{"queue": "q", "kind": "fetch"}, {"queue": "q", "kind": "render", "context": {"a": 1}}],
        },
    )
    assert created["kind"] == "chain"
    assert created["state"] == "running"
    assert [(member["id"], member["role"], member["state"]) for member in created["members"]] == [
        ("report.0", "step", "queued"),
        ("report.1", "step", "pending"),
    ]

    await finish(api, "q", "report.0", {"rows": 3})
    advanced = await pipeline_when(api, "report", ["done", "queued"])
    assert [member["state"] for member in advanced["members"]] == ["done", "queued"]
    second = (await api.get("/tasques/q/report.1")).json()
    assert second["context"] == {
        "a": 1,
        "pipeline": {"id": "report", "index": 1, "previous_result": {"rows": 3}},
    }
    await finish(api, "q", "report.1", {"url": "x"})
    finished = await pipeline_when(api, "report", ["done", "done"], state="done")
    assert finished["state"] == "done"


async def test_a_chord_shows_its_callback_and_policy(api: httpx.AsyncClient) -> None:
    created = await create_pipeline(
        api,
        {
            "chord": {
                "group": [{"queue": "q", "kind": "part"}] * 2,
                "callback": {"queue": "q2", "kind": "sum"},
                "on_member_dead": "skip",
            }
        },
    )
    assert len(created["id"]) == 32
    assert created["on_member_dead"] == "skip"
    assert [(member["role"], member["queue"], member["state"]) for member in created["members"]] == [
        ("member", "q", "queued"),
        ("member", "q", "queued"),
        ("callback", "q2", "pending"),
    ]
    assert created["members"][2]["id"] == f"{created['id']}.callback"


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        ({"chain": [{"queue": "q", "kind": "k"}], "group": [{"queue": "q", "kind": "k"}]}, "exactly one"),
        ({}, "exactly one"),
        ({"chain": []}, "between 1 and 50"),
        ({"group": [{"queue": "q", "kind": "k"}] * 51}, "between 1 and 50"),
        ({"chain": [{"queue": "Bad Queue", "kind": "k"}]}, "chain[0]"),
        ({"chord": {"group": [{"queue": "q", "kind": "k"}]}}, "callback"),
        ({"id": "_x", "group": [{"queue": "q", "kind": "k"}]}, "Pipeline id"),
    ],
)
async def test_bad_pipelines_are_refused(api: httpx.AsyncClient, body: dict[str, Any], fragment: str) -> None:
    refused = await create_pipeline(api, body, status=400)
    assert fragment in refused["message"]


async def test_pipeline_ids_are_unique_and_unknown_ones_404(api: httpx.AsyncClient) -> None:
    await create_pipeline(api, {"id": "p", "group": [{"queue": "q", "kind": "k"}]})
    duplicate = await create_pipeline(api, {"id": "p", "group": [{"queue": "q", "kind": "k"}]}, status=409)
    assert duplicate["error"] == "pipeline_already_exists"
    missing = await api.get("/pipelines/nope")
    assert missing.status_code == 404
    assert missing.json()["error"] == "pipeline_not_found"


async def test_push_workers_are_registered_listed_and_deleted_without_their_secret(
    api: httpx.AsyncClient,
) -> None:
    body = {
        "id": "thumbs",
        "url": "http://127.0.0.1:9/push",
        "queues": ["thumbnails"],
        "capabilities": ["gpu"],
        "max_in_flight": 4,
        "secret": SECRET,
    }
    created = await api.post("/workers/push", json=body)
    assert created.status_code == 201, created.text
    listed = await api.get("/workers/push")
    fetched = await api.get("/workers/push/thumbs")
    for response in (created, listed, fetched):
        assert SECRET not in response.text
        assert "secret" not in response.text
    assert fetched.json() == {
        "id": "thumbs",
        "worker_id": "push:thumbs",
        "url": "http://127.0.0.1:9/push",
        "queues": ["thumbnails"],
        "capabilities": ["gpu"],
        "max_in_flight": 4,
        "created_at": created.json()["created_at"],
        "delivery": {"consecutive_failures": 0},
    }
    assert [worker["id"] for worker in listed.json()] == ["thumbs"]
    assert (await api.post("/workers/push", json=body)).json()["error"] == "push_worker_already_exists"

    deleted = await api.delete("/workers/push/thumbs")
    assert deleted.status_code == 200
    assert SECRET not in deleted.text
    assert (await api.get("/workers/push/thumbs")).status_code == 404
    assert (await api.delete("/workers/push/thumbs")).json()["error"] == "push_worker_not_found"


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"url": "ftp://host/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"secret": "short"}, "secret"),
        ({"max_in_flight": 0}, "max_in_flight"),
        ({"max_in_flight": 100_000}, "max_in_flight"),
        ({"queues": ["Bad Queue"]}, "Queue"),
        ({"id": "has space"}, "push worker id"),
        ({"capabilities": [""]}, "capabilities"),
    ],
)
async def test_bad_push_workers_are_refused(
    api: httpx.AsyncClient, change: dict[str, Any], fragment: str
) -> None:
    body = {"url": "http://127.0.0.1:9/", "queues": ["q"], "secret": SECRET, **change}
    response = await api.post("/workers/push", json=body)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["message"]


KEYS = {"producer": ("p-123", ["enqueue"], ["reports-*"]), "reader": ("r-123", ["read"], ["*"])}


@pytest.fixture
async def secured(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    api_keys = [
        {"name": name, "sha256": hashlib.sha256(key.encode()).hexdigest(), "scopes": scopes, "queues": queues}
        for name, (key, scopes, queues) in KEYS.items()
    ]
    settings = Settings.model_validate({"auth": {"api_keys": api_keys}})
    app = build_app(build_components(settings, store=SqliteTaskStore(tmp_path / "auth.db")))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as client,
    ):
        yield client


async def test_producers_submit_pipelines_for_their_queues_and_only_admins_register_workers(
    secured: httpx.AsyncClient,
) -> None:
    producer = {"X-TASQUES-API-KEY": "p-123"}
    mine = {"chain": [{"queue": "reports-a", "kind": "k"}]}
    theirs = {"chain": [{"queue": "reports-a", "kind": "k"}, {"queue": "billing", "kind": "k"}]}
    assert (await secured.post("/pipelines", json=mine, headers=producer)).status_code == 201
    assert (await secured.post("/pipelines", json=theirs, headers=producer)).status_code == 403
    worker = {"url": "http://127.0.0.1:9/", "queues": ["reports-a"], "secret": SECRET}
    assert (await secured.post("/workers/push", json=worker, headers=producer)).status_code == 403
    assert (await secured.get("/workers/push", headers={"X-TASQUES-API-KEY": "r-123"})).status_code == 200
