"""Tasques' recurring task endpoints plus the schedule-policy extensions, over HTTP."""

import httpx
import pytest

from app.components import Components

NEW = {
    "id": "nightly",
    "schedule_expression": "0 2 * * *",
    "task_definition": {"queue": "reports", "kind": "render", "args": {"x": None}},
}


async def test_create_get_list_update_delete(api: httpx.AsyncClient) -> None:
    created = await api.post("/recurring_tasques", json=NEW)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["task_definition"] == {
        "queue": "reports",
        "retry_times": 25,
        "kind": "render",
        "priority": 0,
        "processing_timeout": "30m0s",
        "args": {"x": None},
    }
    assert body["skip_if_outstanding_tasks_exist"] is False
    assert (body["timezone"], body["overlap_policy"], body["catchup_window"], body["paused"]) == (
        "UTC",
        "allow_all",
        "5m0s",
        False,
    )
    assert "last_fire_at" not in body

    assert (await api.get("/recurring_tasques/nightly")).json() == body
    assert [item["id"] for item in (await api.get("/recurring_tasques")).json()] == ["nightly"]

    updated = await api.put(
        "/recurring_tasques/nightly",
        json={
            "skip_if_outstanding_tasks_exist": True,
            "timezone": "Europe/Paris",
            "schedule_expression": "@daily",
        },
    )
    assert updated.status_code == 200, updated.text
    assert updated.json()["overlap_policy"] == "skip"
    assert updated.json()["skip_if_outstanding_tasks_exist"] is True
    assert updated.json()["task_definition"] == body["task_definition"]
    assert updated.json()["metadata"]["modified_at"] >= body["metadata"]["modified_at"]

    deleted = await api.delete("/recurring_tasques/nightly")
    assert deleted.status_code == 200
    assert deleted.json()["schedule_expression"] == "@daily"
    assert (await api.get("/recurring_tasques/nightly")).status_code == 404
    assert (await api.get("/recurring_tasques")).json() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"schedule_expression": "lolz"}, "Invalid schedule expression [lolz]"),
        ({"timezone": "Nowhere/Atlantis"}, "Unknown time zone [Nowhere/Atlantis]"),
        ({"task_definition": {"queue": "Bad Queue", "kind": "k"}}, "Illegal Queue name"),
        ({"task_definition": {"queue": "q"}}, "task_definition.kind: Field required"),
        ({"id": ""}, "id"),
        ({"id": "has@sign"}, "without '@'"),
        ({"catchup_window": "-1m"}, "must not be negative"),
        ({"overlap_policy": "sometimes"}, "overlap_policy"),
        ({"overlap_policy": "allow_all", "skip_if_outstanding_tasks_exist": True}, "contradicts"),
    ],
)
async def test_invalid_definitions_are_refused_and_nothing_is_stored(
    api: httpx.AsyncClient, changes: dict[str, object], message: str
) -> None:
    response = await api.post("/recurring_tasques", json={**NEW, **changes})

    assert response.status_code == 400, response.text
    assert message in response.json()["message"]
    assert (await api.get("/recurring_tasques")).json() == []


async def test_errors_match_tasques(api: httpx.AsyncClient) -> None:
    await api.post("/recurring_tasques", json=NEW)

    duplicate = await api.post("/recurring_tasques", json=NEW)
    missing = await api.get("/recurring_tasques/nope")
    bad_update = await api.put("/recurring_tasques/nightly", json={"schedule_expression": "hahahahhaah"})

    assert (duplicate.status_code, duplicate.json()["message"]) == (409, "Id already exists [nightly]")
    assert (missing.status_code, missing.json()["message"]) == (404, "Could not find [nope]")
    assert bad_update.status_code == 400
    assert (await api.get("/recurring_tasques/nightly")).json()["schedule_expression"] == "0 2 * * *"


async def test_pause_resume_and_backfill(api: httpx.AsyncClient) -> None:
    await api.post("/recurring_tasques", json={**NEW, "schedule_expression": "0 * * * *"})

    paused = await api.post("/recurring_tasques/nightly/pause")
    resumed = await api.post("/recurring_tasques/nightly/resume")
    window = {"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T03:00:00+00:00"}
    backfilled = await api.post("/recurring_tasques/nightly/backfill", json=window)
    again = await api.post("/recurring_tasques/nightly/backfill", json=window)
    reversed_window = await api.post(
        "/recurring_tasques/nightly/backfill", json={"start": window["end"], "end": window["start"]}
    )
    too_long = await api.post(
        "/recurring_tasques/nightly/backfill",
        json={"start": "2020-01-01T00:00:00Z", "end": "2026-01-01T00:00:00Z"},
    )

    assert paused.json()["paused"] is True
    assert resumed.json()["paused"] is False
    assert backfilled.json() == {"enqueued": 4, "duplicates": 0}
    assert again.json() == {"enqueued": 0, "duplicates": 4}
    assert reversed_window.status_code == 400
    assert too_long.status_code == 400
    fired = await api.get("/tasques/reports/nightly@20260101T010000.000000Z")
    assert fired.json()["recurring_task_id"] == "nightly"
    assert fired.json()["run_at"] == "2026-01-01T01:00:00Z"


async def test_leader_status_and_metrics(api: httpx.AsyncClient, components: Components) -> None:
    await components.maintenance.elector.tick()

    status = (await api.get("/leader")).json()
    metrics = await api.get("/metrics")

    assert status["role"] == "leader"
    assert status["leader_id"] == status["server_id"] == components.maintenance.elector.holder
    assert set(status["leader_services"]) == {
        "leader-service:timeout-reaper",
        "leader-service:recurring-scheduler",
        "leader-service:archiver",
        "leader-service:dead-letter-expirer",
        "leader-service:admin-jobs",
        "leader-service:pipelines",
        "leader-service:push-delivery",
        "leader-service:queue-sampler",
    }
    assert "tasques_leader 1.0" in metrics.text
