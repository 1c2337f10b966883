"""Every error is a 4xx/5xx with one JSON body shape, and a refused request changes nothing."""

from pathlib import Path

import httpx
import pytest

from app.components import build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore
from tests.api.conftest import WORKER, claim, enqueue


def _assert_error(response: httpx.Response, status: int, message_part: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert message_part in body["message"]
    assert isinstance(body["error"], str)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{", "malformed JSON"),
        (b"", "request body is required"),
        (b"[]", "valid dictionary"),
        (b'{"kind": "k"}', "queue: Field required"),
        (b'{"queue": "", "kind": "k"}', "empty string"),
        (b'{"queue": "Upper", "kind": "k"}', "not lower case"),
        (b'{"queue": "_q", "kind": "k"}', "starts with illegal char [_]"),
        (b'{"queue": "q", "kind": ""}', "kind"),
        (b'{"queue": "q", "kind": "k", "priority": "5"}', "priority"),
        (b'{"queue": "q", "kind": "k", "retry_times": -1}', "retry_times"),
        (b'{"queue": "q", "kind": "k", "processing_timeout": 30}', "Go duration string"),
        (b'{"queue": "q", "kind": "k", "processing_timeout": "30 minutes"}', "invalid duration"),
        (b'{"queue": "q", "kind": "k", "processing_timeout": "-5s"}', "must be positive"),
        (b'{"queue": "q", "kind": "k", "run_at": "2026-01-01T00:00:00"}', "time zone offset"),
        (b'{"queue": "q", "kind": "k", "args": [1]}', "args"),
        (b'{"queue": "q", "kind": "k", "id": ""}', "must not be empty"),
    ],
)
async def test_bad_task_bodies_are_refused_and_store_nothing(
    api: httpx.AsyncClient, body: bytes, message: str
) -> None:
    response = await api.post("/tasques", content=body, headers={"content-type": "application/json"})

    _assert_error(response, 400, message)
    assert await claim(api) == []


async def test_oversized_bodies_get_413_and_store_nothing(api: httpx.AsyncClient) -> None:
    big = '{"queue": "q", "kind": "k", "id": "big", "args": {"blob": "' + "x" * 70_000 + '"}}'

    declared = await api.post("/tasques", content=big, headers={"content-type": "application/json"})

    async def chunks() -> object:
        yield big[:40_000].encode()
        yield big[40_000:].encode()

    streamed = await api.post("/tasques", content=chunks(), headers={"content-type": "application/json"})  # type: ignore[arg-type]

    _assert_error(declared, 413, "exceeds the limit")
    _assert_error(streamed, 413, "exceeds the limit")
    _assert_error(await api.get("/tasques/q/big"), 404, "Could not find [big] in queue [q]")


async def test_a_batch_with_one_bad_item_stores_nothing(api: httpx.AsyncClient) -> None:
    response = await api.post(
        "/tasques/batch",
        json={"tasks": [{"queue": "q", "kind": "k", "id": "ok"}, {"queue": "Bad", "kind": "k"}]},
    )

    _assert_error(response, 400, "tasks[1]: Illegal Queue name")
    _assert_error(await api.get("/tasques/q/ok"), 404, "Could not find")


async def test_oversized_and_duplicate_batches_are_refused(api: httpx.AsyncClient) -> None:
    too_many = {"tasks": [{"queue": "q", "kind": "k"}] * 51}
    twice = {"tasks": [{"queue": "q", "kind": "k", "id": "same"}] * 2}

    _assert_error(await api.post("/tasques/batch", json=too_many), 400, "at most 50")
    _assert_error(await api.post("/tasques/batch", json=twice), 400, "same task twice")
    _assert_error(await api.post("/tasques/batch", json={"tasks": []}), 400, "tasks")


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        ({"queues": ["q"]}, {}, "Worker Id header [X-TASQUES-WORKER-ID] not sent"),
        ({"queues": ["q"]}, {"X-TASQUES-WORKER-ID": "  "}, "not sent"),
        ({"queues": None}, WORKER, "queues"),
        ({"queues": ["ok", "N*O"]}, WORKER, "Illegal Queue name"),
        ({"queues": ["q"], "amount": -1}, WORKER, "amount"),
        ({"queues": ["q"], "amount": 1001}, WORKER, "amount must be between 0 and 1000"),
        ({"queues": ["q"], "block_for": "11s"}, WORKER, "block_for must be at most 10s"),
        ({"queues": ["q"], "block_for": 5}, WORKER, "Go duration string"),
    ],
)
async def test_bad_claims_are_refused(
    api: httpx.AsyncClient, body: dict[str, object], headers: dict[str, str], message: str
) -> None:
    await enqueue(api, id="untouched")

    _assert_error(await api.post("/tasques/claims", json=body, headers=headers), 400, message)
    assert (await api.get("/tasques/q/untouched")).json()["state"] == "queued"


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("PUT", "/tasques/reports/q/t"),
        ("PUT", "/tasques/done/q/t"),
        ("PUT", "/tasques/failed/q/t"),
        ("DELETE", "/tasques/claims/q/t"),
    ],
)
async def test_ownership_errors_match_tasques(api: httpx.AsyncClient, method: str, path: str) -> None:
    body: dict[str, object] | None = None if method == "DELETE" else {"data": {}}
    unknown = await api.request(method, path.removesuffix("/t") + "/missing", json=body, headers=WORKER)
    bad_queue = await api.request(method, path.replace("/q/", "/+q/"), json=body, headers=WORKER)
    await enqueue(api, id="t")
    not_claimed = await api.request(method, path, json=body, headers=WORKER)
    (claimed,) = await claim(api)
    no_header = await api.request(method, path, json=body)
    someone_else = await api.request(method, path, json=body, headers={"X-TASQUES-WORKER-ID": "other"})
    stale = await api.request(method, path, json=body, headers={**WORKER, "X-TASQUES-LEASE-TOKEN": "stale"})

    _assert_error(unknown, 404, "Could not find [missing] in queue [q]")
    _assert_error(bad_queue, 400, "Illegal Queue name: [[starts with illegal char [+]]]")
    _assert_error(not_claimed, 400, "The Task is not currently Claimed so cannot be reported on: [t]")
    _assert_error(no_header, 400, "not sent")
    _assert_error(someone_else, 403, "The Task was not owned by the worker [other]")
    _assert_error(stale, 409, "superseded claim")
    after = (await api.get("/tasques/q/t")).json()
    assert after["metadata"]["version"] == claimed["metadata"]["version"]  # type: ignore[index]


async def test_duplicate_id_is_409_with_tasques_message(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="same")
    _assert_error(
        await api.post("/tasques", json={"queue": "q", "kind": "k", "id": "same"}),
        409,
        "Task with Id [same] already exists ",
    )


async def test_unknown_routes_and_methods(api: httpx.AsyncClient) -> None:
    _assert_error(await api.get("/nope"), 404, "No such route.")
    _assert_error(await api.patch("/tasques"), 405, "Method Not Allowed")


async def test_store_unreachable_is_503_with_retry_after(tmp_path: Path) -> None:
    broken_store = SqliteTaskStore(tmp_path / "missing-dir" / "tasques.db")
    app = build_app(build_components(Settings(), store=broken_store))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as api:
        created = await api.post("/tasques", json={"queue": "q", "kind": "k"})
        ready = await api.get("/readyz")
        alive = await api.get("/healthz")
    await broken_store.close()

    _assert_error(created, 503, "unavailable")
    assert created.headers["Retry-After"] == "2"
    _assert_error(ready, 503, "unavailable")
    assert ready.json()["error"] == "store_unavailable"
    assert ready.json()["details"]["backend"] == "sqlite"
    assert ready.headers["Retry-After"] == "2"
    assert alive.status_code == 200
