"""One claimed task in a soak worker's hands, and the scripts that run on their own.

Every write carries the claim's lease token, and every answer goes to the ledger. A write answered 409
(a newer claim superseded this lease) or 400 (the lease timed out) ends the run: the task is someone
else's now, or will be.
"""

import asyncio
import itertools
import time
from dataclasses import dataclass
from typing import Any

import httpx

from tests.soak.ledger import LedgerWriter
from tests.soak.plan import TaskScript
from tests.soak.ring import ServerRing

JsonObject = dict[str, Any]
WORKER_HEADER = "X-TASQUES-WORKER-ID"
LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"
# Heartbeats come four times per processing timeout.
HEARTBEATS_PER_TIMEOUT = 4
# A stalling attempt stays silent this long past its timeout before it reports with its old lease.
STALL_PAST_TIMEOUT_SECONDS = 1.5
CANCEL_CHECKS = 10


@dataclass
class TaskRun:
    task: JsonObject
    script: TaskScript
    worker_id: str
    ring: ServerRing
    ledger: LedgerWriter

    @property
    def id(self) -> str:
        return str(self.task["id"])

    @property
    def queue(self) -> str:
        return str(self.task["queue"])

    @property
    def lease(self) -> str:
        return str(self.task["lease_token"])

    @property
    def headers(self) -> dict[str, str]:
        return {WORKER_HEADER: self.worker_id, LEASE_HEADER: self.lease}

    def quick_outcome(self) -> str:
        fails = self.script.always_fail or self.task["attempted"] <= self.script.fail_times
        return "failed" if fails else "done"

    def outcome_data(self) -> JsonObject:
        """The lease goes into the stored result, so the checks can tell whose write finished the task."""
        return {"lease": self.lease, "worker": self.worker_id, "attempt": self.task["attempted"]}

    def record(self, outcome: str, status: int, *, code: str | None = None, state: str | None = None) -> None:
        self.ledger.record("ack", t=self.id, l=self.lease, o=outcome, c=status, x=code, s=state)

    def record_answer(self, outcome: str, response: httpx.Response) -> JsonObject | None:
        """Ledger the answer; the body of a success, else None."""
        try:
            body = response.json()
        except ValueError:
            body = {}  # not JSON: a proxy's or the ASGI server's own error page
        if not isinstance(body, dict):
            body = {}
        if response.status_code == 200:
            self.record(outcome, 200, state=body.get("state"))
            return body
        self.record(outcome, response.status_code, code=body.get("error"))
        return None

    async def put(self, path: str, body: JsonObject, outcome: str) -> JsonObject | None:
        response = await self.ring.request("PUT", path, json=body, headers=self.headers)
        return self.record_answer(outcome, response)


async def finish_one(run: TaskRun, outcome: str) -> JsonObject | None:
    """PUT /tasques/{done,failed,cancelled}/{queue}/{id} under the run's lease."""
    return await run.put(f"/tasques/{outcome}/{run.queue}/{run.id}", {"data": run.outcome_data()}, outcome)


async def report(run: TaskRun, data: JsonObject, checkpoint: JsonObject | None = None) -> JsonObject | None:
    body: JsonObject = {"data": data}
    if checkpoint is not None:
        body["checkpoint"] = checkpoint
    return await run.put(f"/tasques/reports/{run.queue}/{run.id}", body, "report")


async def run_slow(run: TaskRun) -> None:
    run.ledger.record("run", t=run.id, l=run.lease)
    script = run.script
    if script.cancel:
        await _cancel_itself(run)
    elif script.heartbeat:
        await _heartbeat_through(run)
    elif script.hand_back and not run.task.get("checkpoint"):
        await _hand_back(run)
    elif script.stall and run.task["attempted"] == 1:
        await asyncio.sleep(script.timeout_ms / 1000 + STALL_PAST_TIMEOUT_SECONDS)
        await finish_one(run, "done")  # usually 409: the reaper timed it out and someone claimed it again
    else:
        await asyncio.sleep(script.duration_ms / 1000)
        await finish_one(run, "done")


async def _heartbeat_through(run: TaskRun) -> None:
    """Runs longer than the task's timeout; heartbeats keep extending it."""
    every = run.script.timeout_ms / 1000 / HEARTBEATS_PER_TIMEOUT
    started = time.monotonic()
    finish_at = started + run.script.duration_ms / 1000
    # On a fixed cadence from the start, so slow answers do not stretch the gaps between heartbeats.
    for beat in itertools.count(1):
        beat_at = min(started + beat * every, finish_at)
        await asyncio.sleep(max(beat_at - time.monotonic(), 0.0))
        if beat_at >= finish_at:
            break
        if await report(run, {"remaining_s": round(finish_at - beat_at, 3)}) is None:
            return
    await finish_one(run, "done")


async def _cancel_itself(run: TaskRun) -> None:
    """Ask for this task's cancellation as an operator would, learn of it from a heartbeat, and stop."""
    response = await run.ring.request(
        "POST", f"/tasques/{run.queue}/{run.id}/cancel", json={"reason": "soak script"}
    )
    if run.record_answer("cancel", response) is None:
        return
    for _ in range(CANCEL_CHECKS):
        reported = await report(run, {"checking": "cancellation"})
        if reported is None:
            return
        if reported.get("cancel_requested"):
            await finish_one(run, "cancelled")
            return
        await asyncio.sleep(run.script.timeout_ms / 1000 / HEARTBEATS_PER_TIMEOUT)
    run.ledger.record("ack", t=run.id, l=run.lease, o="cancel", c=0, x="cancel_never_seen", s=None)


async def _hand_back(run: TaskRun) -> None:
    """Save a checkpoint, then unclaim: the next claim carries the checkpoint and finishes the task."""
    if await report(run, {"handing": "back"}, checkpoint={"handed_back_by": run.lease}) is None:
        return
    response = await run.ring.request("DELETE", f"/tasques/claims/{run.queue}/{run.id}", headers=run.headers)
    run.record_answer("unclaim", response)
