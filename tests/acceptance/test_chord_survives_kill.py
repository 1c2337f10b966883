"""Chords survive a leader crash: two real servers on one SQLite file, the leader (which advances
pipelines) killed with SIGKILL in the middle of two chords; everything after the kill goes through the
survivor.

* ``half``: three of its six members finish before the kill, three after it.
* ``race``: its last member finishes right before the kill, so the dead leader may have been anywhere in
  the pass that enqueues the callback: before it, between the create and the compare-and-swap that
  records it, or after both.

The claims: the survivor takes over and both chords complete; each callback exists exactly once (one task
with its deterministic id, in a queue holding nothing else), receives every member's result in member
order, and is claimed exactly once; afterwards nothing is left to claim.
"""

import asyncio
import time
from collections.abc import Sequence
from typing import Any

import httpx
import pytest

from tests.acceptance.conftest import StartTasquesServers, TasquesServer

pytestmark = pytest.mark.acceptance

MEMBERS = 6
MEMBER_QUEUE = "chord-members"
CALLBACK_QUEUE = "chord-callbacks"
WORKER = {"X-TASQUES-WORKER-ID": "chord-worker"}
DEADLINE_SECONDS = 30.0
SERVER_SETTINGS = {
    "TASQUES_MAINTENANCE__LEADER__LEASE": "2s",
    "TASQUES_MAINTENANCE__LEADER__RENEW_INTERVAL": "250ms",
    "TASQUES_MAINTENANCE__LEADER__SAFETY_MARGIN": "500ms",
    "TASQUES_MAINTENANCE__PIPELINES__INTERVAL": "100ms",
}
PIPELINE_SERVICE = "leader-service:pipelines"


async def poll(what: str, check: Any) -> Any:
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        result, observed = await check()
        if result is not None:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"{what} not within {DEADLINE_SECONDS:g}s; last observed: {observed}", pytrace=False)
        await asyncio.sleep(0.05)


async def leader_of(clients: Sequence[httpx.AsyncClient]) -> int:
    """The index of the one server running the pipeline advancer, once the others follow it."""

    async def check() -> tuple[int | None, Any]:
        statuses = [(await client.get("/leader")).json() for client in clients]
        leaders = [
            index for index, status in enumerate(statuses) if PIPELINE_SERVICE in status["leader_services"]
        ]
        settled = len(leaders) == 1 and all(
            status["role"] == "follower" for index, status in enumerate(statuses) if index != leaders[0]
        )
        return (leaders[0] if settled else None), statuses

    index: int = await poll("a settled leader", check)
    return index


def chord(pipeline_id: str) -> dict[str, Any]:
    member = {"queue": MEMBER_QUEUE, "kind": "part", "retry_times": 0}
    return {
        "id": pipeline_id,
        "chord": {
            "group": [{**member, "args": {"n": index}} for index in range(MEMBERS)],
            "callback": {"queue": CALLBACK_QUEUE, "kind": "sum", "retry_times": 0},
        },
    }


async def finish_member(api: httpx.AsyncClient, pipeline_id: str, index: int) -> None:
    """Claim the waiting members, mark this one done and hand the others back."""
    task_id = f"{pipeline_id}.{index}"
    deadline = time.monotonic() + DEADLINE_SECONDS
    while time.monotonic() < deadline:
        claim = await api.post(
            "/tasques/claims",
            json={"queues": [MEMBER_QUEUE], "amount": MEMBERS * 2, "block_for": "1s"},
            headers=WORKER,
        )
        assert claim.status_code == 200, claim.text
        found = False
        for task in claim.json():
            headers = {**WORKER, "X-TASQUES-LEASE-TOKEN": task["lease_token"]}
            if task["id"] == task_id:
                found = True
                path, body = f"/tasques/done/{MEMBER_QUEUE}/{task_id}", {"data": {"n": index * 10}}
                finished = await api.put(path, json=body, headers=headers)
                assert finished.status_code == 200, finished.text
            else:
                handed_back = await api.delete(
                    f"/tasques/claims/{MEMBER_QUEUE}/{task['id']}", headers=headers
                )
                assert handed_back.status_code == 200, handed_back.text
        if found:
            return
    pytest.fail(f"{task_id} never came up for claiming", pytrace=False)


async def pipeline_state(api: httpx.AsyncClient, pipeline_id: str) -> dict[str, Any]:
    response = await api.get(f"/pipelines/{pipeline_id}")
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def run_callbacks(api: httpx.AsyncClient, pipeline_ids: set[str]) -> dict[str, dict[str, Any]]:
    """Claim and finish each pipeline's callback as it appears; return the callback tasks as claimed."""
    claimed: dict[str, dict[str, Any]] = {}

    async def check() -> tuple[dict[str, dict[str, Any]] | None, Any]:
        response = await api.post(
            "/tasques/claims",
            json={"queues": [CALLBACK_QUEUE], "amount": 10, "block_for": "500ms"},
            headers=WORKER,
        )
        for task in response.json():
            pipeline_id = task["context"]["pipeline"]["id"]
            assert pipeline_id not in claimed, f"a second callback for {pipeline_id}: {task['id']}"
            claimed[pipeline_id] = task
            results = task["context"]["pipeline"]["results"]
            headers = {**WORKER, "X-TASQUES-LEASE-TOKEN": task["lease_token"]}
            total = sum(result["n"] for result in results)
            done = await api.put(
                f"/tasques/done/{CALLBACK_QUEUE}/{task['id']}", json={"data": {"sum": total}}, headers=headers
            )
            assert done.status_code == 200, done.text
        return (claimed if set(claimed) == pipeline_ids else None), sorted(claimed)

    result: dict[str, dict[str, Any]] = await poll("every callback", check)
    return result


async def test_chords_complete_with_one_callback_each_across_a_leader_kill(
    start_tasques_servers: StartTasquesServers,
) -> None:
    servers: list[TasquesServer] = start_tasques_servers(2, settings=SERVER_SETTINGS)
    async with (
        httpx.AsyncClient(base_url=servers[0].base_url, timeout=10) as first,
        httpx.AsyncClient(base_url=servers[1].base_url, timeout=10) as second,
    ):
        clients = [first, second]
        leader = await leader_of(clients)
        api = clients[1 - leader]  # the survivor
        for pipeline_id in ("half", "race"):
            assert (await api.post("/pipelines", json=chord(pipeline_id))).status_code == 201
        for index in range(MEMBERS // 2):
            await finish_member(api, "half", index)
        for index in range(MEMBERS):
            await finish_member(api, "race", index)

        servers[leader].kill()  # right after the race chord's last member finished

        for index in range(MEMBERS // 2, MEMBERS):
            await finish_member(api, "half", index)
        callbacks = await run_callbacks(api, {"half", "race"})
        assert await leader_of([api]) == 0  # the survivor took over

        async def both_done() -> tuple[bool | None, Any]:
            states = [(await pipeline_state(api, pipeline_id))["state"] for pipeline_id in ("half", "race")]
            return (True if states == ["done", "done"] else None), states

        await poll("both chords done", both_done)
        for pipeline_id, callback in callbacks.items():
            assert callback["id"] == f"{pipeline_id}.callback"
            assert callback["context"]["pipeline"]["results"] == [
                {"n": index * 10} for index in range(MEMBERS)
            ]
            assert callback["context"]["pipeline"]["failed_members"] == []
            history = (await api.get(f"/tasques/{CALLBACK_QUEUE}/{callback['id']}/attempts")).json()
            assert [attempt["outcome"] for attempt in history["attempts"]] == ["done"]
            view = await pipeline_state(api, pipeline_id)
            assert [member["state"] for member in view["members"]] == ["done"] * (MEMBERS + 1)
        listed = (await api.get("/tasques/_search", params={"queue": CALLBACK_QUEUE, "limit": 100})).json()
        assert sorted(task["id"] for task in listed["tasks"]) == ["half.callback", "race.callback"]
        leftover = await api.post(
            "/tasques/claims",
            json={"queues": [MEMBER_QUEUE, CALLBACK_QUEUE], "amount": 10, "block_for": "0s"},
            headers=WORKER,
        )
        assert leftover.json() == []
