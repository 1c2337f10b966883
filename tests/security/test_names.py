"""Finding 9 (names): task ids, queue names and worker ids refuse NUL, control, line-separator and
invisible bidi characters, and worker ids are bounded (``MAX_WORKER_ID_BYTES``)."""

import httpx
import pytest

from app.domain.ids import MAX_WORKER_ID_BYTES
from tests.api.conftest import enqueue

UNPRINTABLE = ["\x00", "\n", "\x07", "\x7f", "\x85", "\u2028", "\u202e", "\u2066", "\u200b", "\ufeff"]


@pytest.mark.parametrize("character", UNPRINTABLE)
async def test_task_ids_and_queue_names_with_unprintable_characters_are_400(
    api: httpx.AsyncClient, character: str
) -> None:
    bad_id = await api.post("/tasques", json={"queue": "q", "kind": "k", "id": f"a{character}b"})
    bad_queue = await api.post("/tasques", json={"queue": f"q{character}x", "kind": "k"})
    assert (bad_id.status_code, bad_queue.status_code) == (400, 400), (bad_id.text, bad_queue.text)
    assert "control characters" in bad_id.json()["message"]
    assert "control or invisible formatting characters" in bad_queue.json()["message"]
    assert (await api.get("/tasques/_search")).json()["tasks"] == []


async def test_printable_unicode_names_are_still_fine(api: httpx.AsyncClient) -> None:
    task = await api.post("/tasques", json={"queue": "éèç-файлы", "kind": "k", "id": "日本語-✓"})
    assert task.status_code == 201, task.text


@pytest.mark.parametrize("worker_id", ["w" * (MAX_WORKER_ID_BYTES + 1), "w\x85x", "w\x00"])
async def test_worker_ids_are_bounded_and_printable(api: httpx.AsyncClient, worker_id: str) -> None:
    await enqueue(api, id="t")
    headers = [(b"X-TASQUES-WORKER-ID", worker_id.encode("latin-1"))]
    claim = await api.post("/tasques/claims", json={"queues": ["q"], "block_for": "0s"}, headers=headers)
    assert claim.status_code == 400, claim.text
    assert "Worker id" in claim.json()["message"]
    assert (await api.get("/tasques/q/t")).json()["state"] == "queued"


async def test_a_worker_id_at_the_bound_claims(api: httpx.AsyncClient) -> None:
    await enqueue(api, id="t")
    headers = {"X-TASQUES-WORKER-ID": "w" * MAX_WORKER_ID_BYTES}
    claim = await api.post("/tasques/claims", json={"queues": ["q"], "block_for": "0s"}, headers=headers)
    assert [task["id"] for task in claim.json()] == ["t"]
