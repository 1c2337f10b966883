"""Enqueueing the plan while servers die, and the recurring schedule that fires throughout.

Batches go through ``POST /tasques/batch`` on whichever server answers. A batch whose answer was lost
with its server is sent again; its tasks carry ids, so the ones that made it the first time answer 409
and are counted as already there, never created twice.
"""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.soak.plan import FIRE_QUEUE, KIND, RECURRING_ID, PlannedTask
from tests.soak.ring import ServerRing

BATCH_SIZE = 500
CONCURRENT_BATCHES = 2
FIRE_EVERY = "1s"
# Far longer than any leaderless gap: fires due while nobody leads are caught up, never skipped.
CATCHUP_WINDOW = "1h"


@dataclass
class EnqueueLog:
    created: int = 0
    already_there: int = 0
    enqueued: set[str] = field(default_factory=set)  # ids the store confirmed (created, or already there)
    problems: list[str] = field(default_factory=list)


async def enqueue_plan(ring: ServerRing, plan: Sequence[PlannedTask], *, stop: asyncio.Event) -> EnqueueLog:
    """Enqueue the plan in order, batch by batch, until it is all in or ``stop`` is set."""
    log = EnqueueLog()
    chunks = [plan[start : start + BATCH_SIZE] for start in range(0, len(plan), BATCH_SIZE)]
    pending = iter(chunks)

    async def sender() -> None:
        for chunk in pending:
            if stop.is_set():
                return
            await _enqueue_chunk(ring, chunk, log)

    await asyncio.gather(*(sender() for _ in range(CONCURRENT_BATCHES)))
    return log


async def _enqueue_chunk(ring: ServerRing, chunk: Sequence[PlannedTask], log: EnqueueLog) -> None:
    body = {"tasks": [planned.new_task_body() for planned in chunk]}
    response = await ring.request("POST", "/tasques/batch", json=body)
    if response.status_code != 200:
        log.problems.append(f"batch from {chunk[0].id}: HTTP {response.status_code} {response.text[:300]}")
        return
    for planned, item in zip(chunk, response.json()["results"], strict=True):
        if item["status"] == 201:
            log.created += 1
            log.enqueued.add(planned.id)
        elif item["status"] == 409:
            log.already_there += 1
            log.enqueued.add(planned.id)
        else:
            log.problems.append(f"create {planned.id}: {item}")


def recurring_body(*, processing_timeout: str) -> dict[str, Any]:
    return {
        "id": RECURRING_ID,
        "schedule_expression": f"@every {FIRE_EVERY}",
        "task_definition": {
            "queue": FIRE_QUEUE,
            "kind": KIND,
            "retry_times": 10,
            "processing_timeout": processing_timeout,
        },
        # Every fire is a task whatever is outstanding, so the count of fire tasks is the count of fires.
        "overlap_policy": "allow_all",
        "catchup_window": CATCHUP_WINDOW,
    }


async def create_schedule(ring: ServerRing, *, processing_timeout: str) -> dict[str, Any]:
    body = recurring_body(processing_timeout=processing_timeout)
    response = await ring.request("POST", "/recurring_tasques", json=body)
    if response.status_code != 201:
        raise RuntimeError(f"creating the recurring schedule: HTTP {response.status_code} {response.text}")
    created: dict[str, Any] = response.json()
    return created


async def pause_schedule(ring: ServerRing) -> dict[str, Any]:
    response = await ring.request("POST", f"/recurring_tasques/{RECURRING_ID}/pause")
    if response.status_code != 200:
        raise RuntimeError(f"pausing the recurring schedule: HTTP {response.status_code} {response.text}")
    paused: dict[str, Any] = response.json()
    return paused
