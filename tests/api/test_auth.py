"""API keys with scopes and queue patterns, basic auth, per-key rate limits."""

import base64
import hashlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.components import build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore

KEYS = {
    "producer": ("p-4f3e1c", ["enqueue"], ["reports-*"]),
    "worker": ("w-9a8b7c", ["work", "read"], ["reports-*"]),
    "reader": ("r-1d2e3f", ["read"], ["*"]),
    "ops": ("o-5a6b7c", ["admin"], ["*"]),
    "limited": ("l-0f0f0f", ["read"], ["*"]),
}


def _settings(*, rate_limit: bool = False) -> Settings:
    api_keys = [
        {"name": name, "sha256": hashlib.sha256(key.encode()).hexdigest(), "scopes": scopes, "queues": queues}
        for name, (key, scopes, queues) in KEYS.items()
    ]
    auth: dict[str, object] = {
        "api_keys": api_keys,
        "basic_auth": [{"name": "tasques", "password": "s3cret"}],
    }
    if rate_limit:
        auth |= {"rate_limit_per_second": 0.01, "rate_limit_burst": 2}
    return Settings.model_validate({"auth": auth})


def _key(name: str) -> dict[str, str]:
    return {"X-TASQUES-API-KEY": KEYS[name][0], "X-TASQUES-WORKER-ID": "w"}


@pytest.fixture
async def secured(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(build_components(_settings(), store=SqliteTaskStore(tmp_path / "auth.db")))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as client,
    ):
        yield client


async def test_open_endpoints_stay_open_and_the_rest_needs_credentials(secured: httpx.AsyncClient) -> None:
    assert (await secured.get("/healthz")).status_code == 200
    assert (await secured.get("/readyz")).status_code == 200
    assert (await secured.get("/version")).status_code == 200
    protected = [("GET", "/queues"), ("POST", "/tasques/claims"), ("GET", "/metrics")]
    protected += [("GET", "/ui"), ("GET", "/ui/"), ("GET", "/ui/main.js")]
    for method, path in protected:
        response = await secured.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert response.json()["error"] == "unauthorized"
        # A challenge a browser answers natively, for the dashboard and the API calls it makes.
        assert response.headers["WWW-Authenticate"] == 'Basic realm="tasques"'
    assert (await secured.get("/queues", headers={"X-TASQUES-API-KEY": "wrong"})).status_code == 401


async def test_scopes_and_queue_patterns(secured: httpx.AsyncClient) -> None:
    created = await secured.post(
        "/tasques", json={"queue": "reports-daily", "kind": "k", "id": "t"}, headers=_key("producer")
    )
    other_queue = await secured.post(
        "/tasques", json={"queue": "billing", "kind": "k", "id": "b"}, headers=_key("producer")
    )
    producer_claims = await secured.post(
        "/tasques/claims", json={"queues": ["reports-daily"]}, headers=_key("producer")
    )
    all_queues = await secured.post(
        "/tasques/claims", json={"queues": [], "block_for": "0s"}, headers=_key("worker")
    )
    claimed = await secured.post(
        "/tasques/claims", json={"queues": ["reports-daily"], "block_for": "0s"}, headers=_key("worker")
    )
    worker_pauses = await secured.post("/queues/reports-daily/pause", headers=_key("worker"))
    reader_reads = await secured.get("/tasques/reports-daily/t", headers=_key("reader"))
    ops_reads_billing = await secured.get("/tasques/billing/b", headers=_key("ops"))
    basic = await secured.get(
        "/queues", headers={"Authorization": "Basic " + base64.b64encode(b"tasques:s3cret").decode()}
    )
    bearer = await secured.get("/queues", headers={"Authorization": f"Bearer {KEYS['reader'][0]}"})

    assert created.status_code == 201
    assert (other_queue.status_code, other_queue.json()["error"]) == (403, "forbidden")
    assert ops_reads_billing.status_code == 404  # nothing was stored by the refused enqueue
    assert producer_claims.status_code == 403
    assert all_queues.status_code == 403
    assert [task["id"] for task in claimed.json()] == ["t"]
    assert worker_pauses.status_code == 403
    assert reader_reads.json()["state"] == "claimed"
    assert basic.status_code == 200
    assert bearer.status_code == 200


async def test_rate_limit_answers_429_with_retry_after(tmp_path: Path) -> None:
    app = build_app(build_components(_settings(rate_limit=True), store=SqliteTaskStore(tmp_path / "rl.db")))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as client,
    ):
        statuses = [(await client.get("/queues", headers=_key("limited"))).status_code for _ in range(3)]
        limited = await client.get("/queues", headers=_key("limited"))
        other_key = await client.get("/queues", headers=_key("reader"))

    assert statuses == [200, 200, 429]
    assert int(limited.headers["Retry-After"]) >= 1
    assert other_key.status_code == 200


async def test_keys_are_never_logged(secured: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        await secured.get("/queues", headers=_key("reader"))
        await secured.get("/queues", headers={"X-TASQUES-API-KEY": "not-a-key-zzz"})
    assert KEYS["reader"][0] not in caplog.text
    assert "not-a-key-zzz" not in caplog.text


def _basic(name: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()}


async def test_the_dashboard_takes_a_basic_user_or_any_name_with_an_api_key_as_password(
    secured: httpx.AsyncClient,
) -> None:
    page = await secured.get("/ui/", headers=_basic("tasques", "s3cret"))
    script = await secured.get("/ui/main.js", headers=_basic("anyone", KEYS["reader"][0]))
    api_call = await secured.get("/queues", headers=_basic("", KEYS["reader"][0]))
    no_read_scope = await secured.get("/ui/", headers=_basic("someone", KEYS["producer"][0]))
    wrong_password = await secured.get("/ui/", headers=_basic("tasques", "nope"))
    key_as_user_name = await secured.get("/ui/", headers=_basic(KEYS["reader"][0], ""))

    assert page.status_code == 200
    assert "<html" in page.text
    assert script.status_code == 200
    assert api_call.status_code == 200
    assert (no_read_scope.status_code, no_read_scope.json()["error"]) == (403, "forbidden")
    assert wrong_password.status_code == 401
    assert key_as_user_name.status_code == 401
