"""Heartbeats keep a long task claimed past its processing timeout, and carry cancel requests back."""

import asyncio
import threading

import pytest
from tasques_worker import TaskContext, Worker

from tests.acceptance.conftest import TasquesServer
from tests.sdk.conftest import JsonObject, Producer, running

pytestmark = pytest.mark.acceptance


async def test_heartbeats_keep_a_task_past_its_processing_timeout(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    """The handler runs 2.5 times the timeout; a task claimed by hand beside it, never reported on,
    shows that the reaper really does time out silent claims within that time."""

    async def slow(ctx: TaskContext) -> JsonObject:
        await asyncio.sleep(1.5)
        return {"slept": 1.5}

    worker = Worker(tasques_server.base_url, queues=[queue], handlers={"slow": slow})
    task_id = await producer.enqueue(queue, "slow", processing_timeout="600ms", retry_times=0)
    silent_queue = f"{queue}-silent"
    silent_id = await producer.enqueue(silent_queue, "slow", processing_timeout="600ms", retry_times=0)
    claimed = await producer.http.post(
        "/tasques/claims",
        json={"queues": [silent_queue], "amount": 1},
        headers={"X-TASQUES-WORKER-ID": "silent-worker"},
    )
    assert [task["id"] for task in claimed.json()] == [silent_id]

    async with running(worker):
        task = await producer.wait_for_state(queue, task_id, "done", "dead")
    silent = await producer.get(silent_queue, silent_id)

    assert (task["state"], task["attempted"]) == ("done", 1)
    assert task["last_claimed"]["result"]["success"] == {"slept": 1.5}
    assert silent["state"] == "dead", "without heartbeats the reaper times the claim out"


async def test_a_cancel_request_reaches_an_async_handler_and_ends_the_task_as_cancelled(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    running_now = asyncio.Event()

    async def long_job(ctx: TaskContext) -> JsonObject:
        running_now.set()
        assert await ctx.wait_cancelled(10), "never told about the cancel request"
        return {"stopped": True, "reason": ctx.cancel_reason}

    # processing_timeout 1.5s: heartbeats every 0.5s, so the request arrives within half a second.
    worker = Worker(tasques_server.base_url, queues=[queue], handlers={"long": long_job})
    task_id = await producer.enqueue(queue, "long", processing_timeout="1500ms", retry_times=3)
    async with running(worker):
        await asyncio.wait_for(running_now.wait(), timeout=5)
        await producer.cancel(queue, task_id)
        task = await producer.wait_for_state(queue, task_id, "cancelled")

    assert task["attempted"] == 1
    assert task["last_claimed"]["result"]["failure"] == {"stopped": True, "reason": "cancel requested"}
    assert task["cancellation"]["reason"] == "test"


async def test_a_cancel_request_reaches_a_sync_handler_through_its_threading_event(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    started = threading.Event()

    def blocking_job(ctx: TaskContext) -> None:
        started.set()
        while not ctx.cancel_event.wait(timeout=0.05):
            pass  # a chunk of work between checks
        ctx.raise_if_cancelled()

    worker = Worker(tasques_server.base_url, queues=[queue], handlers={"blocking": blocking_job})
    task_id = await producer.enqueue(queue, "blocking", processing_timeout="1500ms")
    async with running(worker):
        await asyncio.to_thread(started.wait, 5)
        await producer.cancel(queue, task_id)
        task = await producer.wait_for_state(queue, task_id, "cancelled")

    assert task["last_claimed"]["result"]["failure"] == {
        "error": "cancel requested",
        "error_type": "TaskCancelled",
    }
