"""The store goes away under load and comes back; the servers must degrade cleanly and heal by themselves.

Two in-process servers share one store, a leader and a follower, while a producer and four workers keep
enqueueing, claiming, failing and finishing tasks through both. Then the store becomes unreachable for
longer than a leader lease, and returns (``outages`` explains how, per backend). Claims, per backend:

- during the outage every write is answered 503 with ``Retry-After`` and the JSON error body
  (``store_unavailable``): never a 500, never a dropped connection;
- the leader steps down once it cannot renew (``GET /leader`` on both servers: nobody leads), and
  nobody leads until the store is back;
- once it is back, writes succeed again on both servers and a leader is elected again within a few
  seconds, with nobody restarting anything, and the load drains;
- nothing was half-written: every task ends done with exactly one accepted ``done``, the one whose lease
  its stored result carries; no task was ever seen in an impossible state; no two successful writes of
  one task returned the same version (a compare-and-swap that let a lost update through would).

On Elasticsearch a write in flight when the link is cut can land with its answer lost: the worker gets
503, and its retry (same lease) finds the task done and answers 400 ``task_not_claimed``. The load then
reads the task: a result carrying its lease means the write had landed (counted, and accepted as its
``done``); anything else means the lease was rightly refused.

The last two tests pin how fast the leader must step down when its store calls hang instead of failing.
"""

import asyncio
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from tests.reliability.in_process import (
    InProcessServer,
    in_process_servers,
    one_leader,
    poll_until,
    roles,
    settled_leader,
)
from tests.reliability.outage_load import OutageLoad
from tests.reliability.outages import Outage, ProxiesCut, SqliteLockHeld
from tests.reliability.stores import proxied_elasticsearch, server_settings
from tests.reliability.task_shapes import shape_problems

QUEUE = "outage-load"
LEASE, RENEW, MARGIN = 2.0, 0.25, 0.5
ELECTOR = {"lease": "2s", "renew_interval": "250ms", "safety_margin": "500ms"}
# The trust window closes lease - margin after the last successful renewal began, which was at most one
# renew interval before the outage; the next tick (one renew interval later) must notice.
STEP_DOWN_BOUND = LEASE - MARGIN + 2 * RENEW + 0.5
# Long enough for the leader to step down even when its renewal queues behind other failing writes.
OUTAGE_SECONDS = 5.0
# A write already in flight when the outage began may still succeed; later ones may not.
IN_FLIGHT_GRACE_SECONDS = 1.0
ELECTION_SECONDS = 15.0
RECOVERY_BOUND_SECONDS = 2 * LEASE + 1.0
DRAIN_SECONDS = 30.0
WRITES = {"enqueue", "done", "failed"}


@dataclass
class OutageRig:
    settings: list[Settings]
    outage: Outage


def _sqlite(path: Path, *, busy_timeout: str) -> Settings:
    return server_settings(
        {"backend": "sqlite", "sqlite": {"path": str(path), "busy_timeout": busy_timeout}}, elector=ELECTOR
    )


@pytest.fixture(params=["sqlite", "elasticsearch"])
async def outage_rig(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[OutageRig]:
    if request.param == "sqlite":
        settings = _sqlite(tmp_path / "tasques.db", busy_timeout="250ms")
        lock = SqliteLockHeld(tmp_path / "tasques.db")
        yield OutageRig([settings, settings], lock)
        await lock.end()
        return
    async with proxied_elasticsearch(servers=2) as es:
        cut = ProxiesCut(es.proxies)
        yield OutageRig([server_settings(storage, elector=ELECTOR) for storage in es.storage_settings], cut)
        await cut.end()


async def test_an_outage_under_load_answers_503_steps_the_leader_down_and_heals_by_itself(
    outage_rig: OutageRig,
) -> None:
    async with (
        in_process_servers(outage_rig.settings) as servers,
        _running(OutageLoad(servers, QUEUE)) as load,
    ):
        await settled_leader(servers, ELECTION_SECONDS)
        await poll_until("tasks done before the outage", 30.0, lambda: _done_at_least(load, 20))
        await outage_rig.outage.begin()
        began = time.monotonic()
        timeline = await _roles_until(servers, began + OUTAGE_SECONDS)
        ended = time.monotonic()
        await outage_rig.outage.end()
        await one_leader(servers, RECOVERY_BOUND_SECONDS)
        reelected = time.monotonic() - ended
        await poll_until(
            "writes on both servers", RECOVERY_BOUND_SECONDS, lambda: _writes_on_both(load, ended)
        )
        load.producing.clear()
        await poll_until("every task done", DRAIN_SECONDS, lambda: _all_done(load))
        final = {task_id: await _get(servers[0], task_id) for task_id in sorted(load.created)}

    stepped_down = next((at - began for at, leaders in timeline if not leaders), None)
    during = load.during(began + IN_FLIGHT_GRACE_SECONDS, ended)
    unavailable = [answer for answer in during if answer.status == 503]
    print(
        f"\nstepped down {stepped_down}s into a {ended - began:.1f}s outage; {len(during)} answers during "
        f"it, {len(unavailable)} of them 503; leader again {reelected:.2f}s after; {len(load.created)} "
        f"tasks, {load.stale_rejections} stale writes rejected, {load.landed_after_503} writes answered "
        "503 had landed"
    )
    assert load.problems == [], "\n".join(load.problems[:20])
    assert stepped_down is not None, f"the leader never stepped down: {timeline[-3:]}"
    assert [(at - began, leaders) for at, leaders in timeline if leaders and at - began > stepped_down] == []
    assert [a for a in during if a.action in WRITES and a.status != 503] == [], "writes succeeded"
    # Refusals that need no write (a stale lease) may still come; anything else is not an outage answer.
    refusals = {(409, "lease_superseded"), (400, "task_not_claimed")}
    assert [a for a in during if a.status not in (200, 503) and (a.status, a.error) not in refusals] == []
    assert "enqueue" in {a.action for a in unavailable}, f"no enqueue refused during the outage: {during}"
    assert {a.action for a in unavailable} & {"claim", "done", "failed"}, "no worker request refused"
    assert all(answer.retry_after == "1" and answer.error == "store_unavailable" for answer in unavailable)
    assert _final_problems(load, final) == []


async def test_a_leader_whose_sqlite_renewal_waits_out_the_busy_timeout_steps_down_in_its_window(
    tmp_path: Path,
) -> None:
    """The database lock is held; each write waits the busy timeout (3 s here, 5 s by default) before
    failing. The renewal in flight when the trust window (1.5 s) closes must not keep the leader leading:
    it must step down within the window plus a tick, not when that renewal gives up (a cancelled
    transaction stops waiting for the lock within one busy slice)."""
    settings = _sqlite(tmp_path / "tasques.db", busy_timeout="3s")
    lock = SqliteLockHeld(tmp_path / "tasques.db")
    async with in_process_servers([settings, settings]) as servers:
        leader = await settled_leader(servers, ELECTION_SECONDS)
        await lock.begin()
        try:
            began = time.monotonic()
            timeline = await _roles_until(servers, began + 6.0, until_not_leading=leader)
        finally:
            await lock.end()
    leading = [round(at - began, 2) for at, leaders in timeline if leader in leaders]
    print(f"\n{leader} still reported leader {leading[-1] if leading else 0}s into the outage")
    assert not leading or leading[-1] <= STEP_DOWN_BOUND, f"{leader} led until {leading[-1]}s"


async def test_a_leader_cut_off_by_a_hanging_elasticsearch_steps_down_before_a_follower_takes_over() -> None:
    """Only the leader's link to Elasticsearch stalls (packets dropped: its requests hang until the
    client's request timeout, 4 s here, 10 s by default); the follower still reaches the store. The follower takes over once the
    lock record has stood still for a lease (2 s); the leader must have stepped down before that, at the
    close of its trust window (1.5 s). The elector bounds each renewal by what is left of that window,
    so the leader steps down while its renewal still hangs (rather than when the client's request
    timeout ends it), and at no moment do two servers lead."""
    async with proxied_elasticsearch(servers=2, request_timeout="4s") as es:
        settings = [server_settings(storage, elector=ELECTOR) for storage in es.storage_settings]
        async with in_process_servers(settings) as servers:
            leader = await settled_leader(servers, ELECTION_SECONDS)
            proxy = es.proxies[[server.name for server in servers].index(leader)]
            proxy.stall()
            try:
                began = time.monotonic()
                timeline = await _roles_until(servers, began + 7.0, until_not_leading=leader)
            finally:
                await proxy.restore()
            await one_leader(servers, RECOVERY_BOUND_SECONDS)
    both = [round(at - began, 2) for at, leaders in timeline if len(leaders) > 1]
    leading = [round(at - began, 2) for at, leaders in timeline if leader in leaders]
    print(f"\n{leader} led until {leading[-1]}s; two leaders from {both[:1]} to {both[-1:]}")
    assert both == [], f"two servers led at once from {both[0]}s to {both[-1]}s after the stall"
    assert leading[-1] <= STEP_DOWN_BOUND


async def _done_at_least(load: OutageLoad, count: int) -> tuple[bool | None, str]:
    return (len(load.done_leases) >= count) or None, f"{len(load.done_leases)} done"


async def _writes_on_both(load: OutageLoad, since: float) -> tuple[bool | None, str]:
    servers = {a.server for a in load.answers if a.at > since and a.action in WRITES and a.status == 200}
    return (len(servers) == 2) or None, f"successful writes since the outage on {servers}"


async def _all_done(load: OutageLoad) -> tuple[bool | None, str]:
    missing = sorted(load.created - set(load.done_leases))
    if not missing:
        return True, ""
    stored = [await _get(load.servers[0], task_id) for task_id in missing[:3]]
    return None, f"{len(missing)} of {len(load.created)} not done, e.g. {stored}"


async def _roles_until(
    servers: Sequence[InProcessServer], deadline: float, *, until_not_leading: str | None = None
) -> list[tuple[float, set[str]]]:
    """(time, names of the servers that said they lead), polled until ``deadline``, or until the server
    named ``until_not_leading`` no longer says it leads."""
    timeline = []
    while time.monotonic() < deadline:
        seen = await roles(servers)
        timeline.append((time.monotonic(), {name for name, role in seen.items() if role == "leader"}))
        if until_not_leading is not None and until_not_leading not in timeline[-1][1]:
            break
        await asyncio.sleep(0.05)
    return timeline


async def _get(server: InProcessServer, task_id: str) -> dict[str, Any]:
    task: dict[str, Any] = (await server.client.get(f"/tasques/{QUEUE}/{task_id}")).json()
    return task


def _final_problems(load: OutageLoad, final: dict[str, dict[str, Any]]) -> list[str]:
    problems = []
    for task_id, task in final.items():
        problems += shape_problems(task)
        leases = load.done_leases.get(task_id, set())
        stored = ((task.get("last_claimed") or {}).get("result") or {}).get("success") or {}
        if task["state"] != "done" or len(leases) != 1 or stored.get("lease") not in leases:
            problems.append(f"{task_id}: {task['state']}, done accepted under {leases}, stored {stored}")
        versions = load.versions.get(task_id, [])
        if len(versions) != len(set(versions)):
            problems.append(f"{task_id}: two successful writes returned one version: {versions}")
    return problems


@asynccontextmanager
async def _running(load: OutageLoad) -> AsyncIterator[OutageLoad]:
    runner = asyncio.create_task(load.run(workers=4))
    try:
        yield load
    finally:
        load.producing.clear()
        load.working.clear()
        await asyncio.wait_for(runner, 30.0)
