"""Concurrency: up to N tasks at once, claimed in one request when they are waiting, and an idle worker
that starts a new task at once rather than when its long-poll ends."""

import asyncio
import time
from datetime import timedelta

import pytest
from tasques_worker import TaskContext, Worker, WorkerProtocol
from tasques_worker.protocol import ClaimedTask

from tests.acceptance.conftest import TasquesServer
from tests.sdk.conftest import Producer, running

pytestmark = pytest.mark.acceptance


class ClaimLog:
    """Records the worker's claim requests (amount asked, tasks won) by wrapping its protocol."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[tuple[int, int]] = []
        claim = WorkerProtocol.claim

        async def logged(
            protocol: WorkerProtocol, queues: list[str], *, amount: int, block_for: timedelta
        ) -> list[ClaimedTask]:
            won = await claim(protocol, queues, amount=amount, block_for=block_for)
            self.requests.append((amount, len(won)))
            return won

        monkeypatch.setattr(WorkerProtocol, "claim", logged)


async def test_runs_up_to_concurrency_tasks_at_once_claimed_in_one_request(
    tasques_server: TasquesServer, producer: Producer, queue: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = ClaimLog(monkeypatch)
    active, peak = 0, 0
    release = asyncio.Event()

    async def hold(ctx: TaskContext) -> None:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        await release.wait()
        active -= 1

    ids = [await producer.enqueue(queue, "hold") for _ in range(5)]
    worker = Worker(tasques_server.base_url, queues=[queue], handlers={"hold": hold}, concurrency=3)
    async with running(worker):
        await producer.wait_for_state(queue, ids[2], "claimed")
        await asyncio.sleep(0.2)  # room for a (wrong) fourth claim
        assert (worker.in_flight, peak) == (3, 3)
        assert claims.requests[0] == (3, 3), "one request claims a task for every free slot"
        release.set()
        for task_id in ids:
            await producer.wait_for_state(queue, task_id, "done")
    assert peak == 3


async def test_an_idle_worker_starts_a_new_task_without_waiting_out_its_long_poll(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    started = asyncio.Event()

    async def note(ctx: TaskContext) -> None:
        started.set()

    worker = Worker(
        tasques_server.base_url, queues=[queue], handlers={"note": note}, concurrency=4, block_for="10s"
    )
    async with running(worker):
        await asyncio.sleep(0.2)  # the worker is now in its long-poll
        enqueued_at = time.monotonic()
        await producer.enqueue(queue, "note")
        await asyncio.wait_for(started.wait(), timeout=5)
        assert time.monotonic() - enqueued_at < 2, "the task waited for other slots to fill"
