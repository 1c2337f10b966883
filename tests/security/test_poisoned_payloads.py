"""Finding 2: text the stores or the renderer cannot represent is refused before anything is stored.

Finding 9 (numbers): ``NaN``, ``Infinity`` and ``1e400`` are refused rather than stored as null.
"""

import httpx
import pytest

from app.components import Components
from app.services.new_task import NewTask
from tests.api.conftest import WORKER, enqueue

LONE_SURROGATE = '"\\ud800"'


def _task_with_args(args_json: str, *, task_id: str = "poison") -> str:
    return f'{{"queue": "q", "kind": "k", "id": "{task_id}", "args": {{"secret": {args_json}}}}}'


@pytest.mark.parametrize("value", [LONE_SURROGATE, '"\\udc00"', "NaN", "Infinity", "-Infinity", "1e400"])
async def test_unrepresentable_values_in_args_get_400_and_store_nothing(
    api: httpx.AsyncClient, value: str
) -> None:
    response = await api.post("/tasques", content=_task_with_args(value))
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_input"
    assert "malformed JSON" in response.json()["message"]
    assert (await api.get("/tasques/q/poison")).status_code == 404


async def test_a_lone_surrogate_in_an_object_key_gets_400(api: httpx.AsyncClient) -> None:
    body = '{"queue": "q", "kind": "k", "id": "poison", "args": {"\\ud800": 1}}'
    assert (await api.post("/tasques", content=body)).status_code == 400
    assert (await api.get("/tasques/q/poison")).status_code == 404


async def test_a_batch_with_one_poisoned_item_stores_none_of_the_good_ones(api: httpx.AsyncClient) -> None:
    good = '{"queue": "q", "kind": "k", "id": "good"}'
    body = f'{{"tasks": [{good}, {_task_with_args(LONE_SURROGATE)}]}}'
    response = await api.post("/tasques/batch", content=body)
    assert response.status_code == 400, response.text
    assert (await api.get("/tasques/q/good")).status_code == 404
    claimed = await api.post("/tasques/claims", json={"queues": ["q"], "block_for": "0s"}, headers=WORKER)
    assert claimed.json() == []


@pytest.mark.parametrize("depth", [990, 5000])
async def test_args_nested_past_the_parser_s_limit_get_400_and_store_nothing(
    api: httpx.AsyncClient, depth: int
) -> None:
    response = await api.post("/tasques", content=_task_with_args("[" * depth + "]" * depth))
    assert response.status_code == 400, response.text
    assert "malformed JSON" in response.json()["message"]
    assert (await api.get("/tasques/q/poison")).status_code == 404


async def test_done_data_with_a_lone_surrogate_gets_400_and_the_task_stays_claimed(
    api: httpx.AsyncClient,
) -> None:
    await enqueue(api, id="t")
    claimed = await api.post("/tasques/claims", json={"queues": ["q"], "block_for": "0s"}, headers=WORKER)
    assert [task["id"] for task in claimed.json()] == ["t"]
    done = await api.put("/tasques/done/q/t", content=f'{{"data": {LONE_SURROGATE}}}', headers=WORKER)
    assert done.status_code == 400, done.text
    task = await api.get("/tasques/q/t")
    assert task.status_code == 200
    assert task.json()["state"] == "claimed"


async def test_paired_surrogates_and_wide_integers_still_round_trip(api: httpx.AsyncClient) -> None:
    wide = 2**70
    body = f'{{"queue": "q", "kind": "k", "id": "ok", "args": {{"emoji": "\\ud83d\\ude00", "n": {wide}}}}}'
    assert (await api.post("/tasques", content=body)).status_code == 201
    args = (await api.get("/tasques/q/ok")).json()["args"]
    assert args == {"emoji": "\U0001f600", "n": wide}


async def test_a_task_already_stored_with_a_lone_surrogate_still_reads_searches_and_claims(
    api: httpx.AsyncClient, components: Components
) -> None:
    """Stored before the refusal existed (or through another path): reads must never fail on it."""
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="old", args={"s": "\ud800"}))
    read = await api.get("/tasques/q/old")
    assert read.status_code == 200, read.text
    assert read.json()["args"] == {"s": "\ud800"}
    found = await api.get("/tasques/_search", params={"queue": "q"})
    assert found.status_code == 200, found.text
    claimed = await api.post("/tasques/claims", json={"queues": ["q"], "block_for": "0s"}, headers=WORKER)
    assert claimed.status_code == 200, claimed.text
    assert [task["id"] for task in claimed.json()] == ["old"]
