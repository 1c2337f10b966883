"""Finding 9 (part): the number of distinct queues is bounded (tasks.limits.max_queues)."""

from pathlib import Path

from app.components import build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore
from tests.api.conftest import serving


async def test_an_enqueue_that_would_create_one_queue_too_many_is_refused_and_stores_nothing(
    tmp_path: Path,
) -> None:
    settings = Settings.model_validate({"tasks": {"limits": {"max_queues": 3}}})
    components = build_components(settings, store=SqliteTaskStore(tmp_path / "bounded.db"))
    async with serving(components) as api:
        for queue in ("q1", "q2", "q3"):
            assert (await api.post("/tasques", json={"queue": queue, "kind": "k"})).status_code == 201

        refused = await api.post("/tasques", json={"queue": "q4", "kind": "k"})
        batch = await api.post(
            "/tasques/batch",
            json={"tasks": [{"queue": "q1", "kind": "k", "id": "ok"}, {"queue": "q5", "kind": "k"}]},
        )
        again = await api.post("/tasques", json={"queue": "q2", "kind": "k"})
        queues = await api.get("/queues")

    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_input"
    assert "max_queues" in refused.json()["message"]
    assert batch.status_code == 400
    assert again.status_code == 201  # existing queues stay open
    assert sorted(queue["queue"] for queue in queues.json()["queues"]) == ["q1", "q2", "q3"]
