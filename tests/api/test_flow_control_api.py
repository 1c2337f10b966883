"""Flow control over HTTP: the new task fields, capabilities in claims, limits from config, the
throttled metric and the unclaimable count in GET /queues."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from app.components import build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore
from tests.api.conftest import SETTINGS, WORKER, enqueue

LIMITED = {
    **SETTINGS,
    "tasks": {
        **SETTINGS["tasks"],  # type: ignore[dict-item]
        "flow_control": {
            "queues": {"slow-*": {"rate": {"limit": 1, "per": "1h"}}},
            "keys": {"tenant:*": {"max_concurrency": 1}},
        },
    },
}


@pytest.fixture
async def limited_api(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    components = build_components(Settings.model_validate(LIMITED), store=SqliteTaskStore(tmp_path / "l.db"))
    app = build_app(components)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as client,
    ):
        yield client


async def _claim(
    api: httpx.AsyncClient, *, amount: int = 5, queues: list[str] | None = None, **extra: Any
) -> list[dict[str, Any]]:
    response = await api.post(
        "/tasques/claims",
        json={"queues": queues or ["q"], "amount": amount, "block_for": "0s", **extra},
        headers=WORKER,
    )
    assert response.status_code == 200, response.text
    tasks: list[dict[str, Any]] = response.json()
    return tasks


async def test_the_flow_fields_are_stored_and_echoed(api: httpx.AsyncClient) -> None:
    created = await enqueue(
        api,
        id="t1",
        concurrency_key="tenant:42",
        rate_limit_key="openai:gpt",
        required_capabilities=["py3.12", "gpu", "gpu"],
    )
    fetched = (await api.get("/tasques/q/t1")).json()
    (claimed,) = await _claim(api, capabilities=["gpu", "py3.12", "x86"])

    for body in (created, fetched, claimed):
        assert body["concurrency_key"] == "tenant:42"
        assert body["rate_limit_key"] == "openai:gpt"
        assert body["required_capabilities"] == ["gpu", "py3.12"]


async def test_tasks_without_the_fields_look_as_before(api: httpx.AsyncClient) -> None:
    created = await enqueue(api, id="t1")
    assert not {"concurrency_key", "rate_limit_key", "required_capabilities"} & set(created)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"concurrency_key": ""}, "concurrency_key"),
        ({"rate_limit_key": "x" * 201}, "rate_limit_key"),
        ({"required_capabilities": [""]}, "required_capabilities"),
        ({"required_capabilities": [f"c{n}" for n in range(33)]}, "required_capabilities"),
        ({"required_capabilities": "gpu"}, "required_capabilities"),
    ],
)
async def test_bad_flow_fields_are_refused(
    api: httpx.AsyncClient, fields: dict[str, Any], message: str
) -> None:
    response = await api.post("/tasques", json={"queue": "q", "kind": "k", **fields})
    assert response.status_code == 400, response.text
    assert message in response.text


async def test_bad_capabilities_in_a_claim_are_refused(api: httpx.AsyncClient) -> None:
    response = await api.post("/tasques/claims", json={"queues": ["q"], "capabilities": [""]}, headers=WORKER)
    assert response.status_code == 400, response.text


async def test_only_workers_declaring_the_requirements_get_the_task_and_queues_show_the_rest(
    api: httpx.AsyncClient,
) -> None:
    await enqueue(api, id="gpu", required_capabilities=["gpu"])

    assert await _claim(api) == []
    assert await _claim(api, capabilities=["tpu"]) == []
    (waiting,) = (await api.get("/queues")).json()["queues"]
    assert waiting["unclaimable"] == 1
    assert (await api.get("/tasques/q/gpu")).json()["state"] == "queued"

    (claimed,) = await _claim(api, capabilities=["gpu"])
    assert claimed["id"] == "gpu"
    (after,) = (await api.get("/queues")).json()["queues"]
    assert after["unclaimable"] == 0


async def test_configured_key_limits_hold_tasks_queued_until_a_slot_frees(
    limited_api: httpx.AsyncClient,
) -> None:
    for task_id in ("a1", "a2", "b1"):
        await enqueue(limited_api, id=task_id, concurrency_key=f"tenant:{task_id[0]}")

    first = await _claim(limited_api)
    held_back = await _claim(limited_api)
    done = await limited_api.put("/tasques/done/q/a1", json={}, headers=WORKER)
    after_done = await _claim(limited_api)

    assert sorted(task["id"] for task in first) == ["a1", "b1"]
    assert held_back == []
    assert done.status_code == 200
    assert [task["id"] for task in after_done] == ["a2"]


async def test_a_queue_rate_limit_throttles_and_the_metric_counts_it(limited_api: httpx.AsyncClient) -> None:
    for task_id in ("t1", "t2", "t3"):
        await enqueue(limited_api, id=task_id, queue="slow-lane")

    claimed = await _claim(limited_api, queues=["slow-lane"])
    again = await _claim(limited_api, queues=["slow-lane"])
    metrics = (await limited_api.get("/metrics")).text

    assert len(claimed) == 1
    assert again == []
    throttled = {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
        if sample.name == "tasques_claims_throttled_total"
    }
    assert throttled[(("limit", "rate"), ("queue", "slow-lane"), ("scope", "queue"))] >= 3
