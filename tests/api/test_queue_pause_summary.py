"""Pausing or resuming a queue answers the queue's summary exactly as ``GET /queues`` lists it."""

from typing import Any

from tests.api.conftest import WORKER, BackendApi


def _listed(overview: dict[str, Any], queue: str) -> dict[str, Any]:
    entries: list[dict[str, Any]] = [entry for entry in overview["queues"] if entry["queue"] == queue]
    (entry,) = entries
    return entry


async def test_pause_and_resume_answer_the_queue_summary_of_get_queues(backend_api: BackendApi) -> None:
    api = backend_api.client
    for task_id in ("a", "b"):
        await api.post("/tasques", json={"queue": "q", "kind": "k", "id": task_id, "retry_times": 0})
    await backend_api.make_searchable()
    claimed = await api.post("/tasques/claims", json={"queues": ["q"], "amount": 1}, headers=WORKER)
    await api.put(f"/tasques/failed/q/{claimed.json()[0]['id']}", json={"data": {}}, headers=WORKER)
    await backend_api.make_searchable()

    paused = await api.post("/queues/q/pause")
    listed_paused = _listed((await api.get("/queues")).json(), "q")
    resumed = await api.post("/queues/q/resume")
    listed_resumed = _listed((await api.get("/queues")).json(), "q")

    assert paused.status_code == 200
    assert paused.json() == listed_paused
    assert paused.json()["counts"] == {"queued": 1, "dead": 1}
    assert paused.json()["paused"] is True
    assert resumed.json() == listed_resumed
    assert resumed.json()["paused"] is False


async def test_pausing_an_empty_queue_answers_an_empty_summary(backend_api: BackendApi) -> None:
    paused = await backend_api.client.post("/queues/empty/pause")
    listed_paused = _listed((await backend_api.client.get("/queues")).json(), "empty")
    resumed = await backend_api.client.post("/queues/empty/resume")

    assert paused.json() == listed_paused
    assert paused.json()["paused"] is True
    assert resumed.json() == {
        "queue": "empty",
        "counts": {},
        "paused": False,
        "unclaimable": 0,
        "throughput": [
            {"window_seconds": 60, "done": 0, "failed": 0, "dead": 0, "cancelled": 0},
            {"window_seconds": 300, "done": 0, "failed": 0, "dead": 0, "cancelled": 0},
        ],
    }
    assert (await backend_api.client.post("/queues/Bad/pause")).status_code == 400
