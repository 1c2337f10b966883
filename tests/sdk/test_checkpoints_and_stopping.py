"""Checkpoints handed to the next attempt, and graceful stops: finish within the grace period or hand
the task back (unclaimed, attempt refunded, checkpoint kept)."""

import asyncio
import threading

import pytest
from tasques_worker import TaskContext, Worker

from tests.acceptance.conftest import TasquesServer
from tests.sdk.conftest import JsonObject, Producer, running

pytestmark = pytest.mark.acceptance


async def test_a_checkpoint_is_handed_to_the_next_attempt(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    seen: list[JsonObject | None] = []

    def resumable(ctx: TaskContext) -> JsonObject:
        seen.append(ctx.checkpoint_data)
        if ctx.attempt == 1:
            ctx.checkpoint({"rows_done": 400})
            raise ConnectionError("database went away")
        return {"resumed_from": ctx.checkpoint_data}

    worker = Worker(tasques_server.base_url, queues=[queue], handlers={"import": resumable}, block_for="1s")
    task_id = await producer.enqueue(queue, "import", retry_times=1)
    async with running(worker):
        task = await producer.wait_for_state(queue, task_id, "done")

    # The checkpoint was set just before the raise: the worker flushed it before marking failed.
    assert seen == [None, {"rows_done": 400}]
    assert task["last_claimed"]["result"]["success"] == {"resumed_from": {"rows_done": 400}}
    assert (task["checkpoint"]["attempt"], task["checkpoint"]["data"]) == (1, {"rows_done": 400})


async def test_stop_lets_in_flight_tasks_finish_within_the_grace_period(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    started = asyncio.Event()
    saw_stopping: list[bool] = []

    async def finishing(ctx: TaskContext) -> JsonObject:
        started.set()
        await asyncio.sleep(0.5)
        saw_stopping.append(ctx.stopping)
        return {"finished": True}

    worker = Worker(
        tasques_server.base_url, queues=[queue], handlers={"finishing": finishing}, grace_period="5s"
    )
    task_id = await producer.enqueue(queue, "finishing")
    later_id = await producer.enqueue(queue, "finishing", run_at="2100-01-01T00:00:00Z")
    serving = asyncio.create_task(worker.serve())
    await asyncio.wait_for(started.wait(), timeout=5)
    worker.stop()
    await asyncio.wait_for(serving, timeout=5)

    task = await producer.get(queue, task_id)
    assert (task["state"], task["last_claimed"]["result"]["success"]) == ("done", {"finished": True})
    assert saw_stopping == [True], "the handler could see that the worker was stopping"
    assert (await producer.get(queue, later_id))["state"] == "queued"


async def test_tasks_still_running_after_the_grace_period_are_handed_back(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    started = asyncio.Event()
    thread_started = threading.Event()
    thread_released = threading.Event()

    async def stubborn(ctx: TaskContext) -> None:
        ctx.checkpoint({"page": 7})
        started.set()
        await asyncio.sleep(60)

    def stubborn_in_a_thread(ctx: TaskContext) -> None:
        thread_started.set()
        ctx.cancel_event.wait(60)  # threads cannot be interrupted; this one listens
        thread_released.set()

    worker = Worker(
        tasques_server.base_url,
        queues=[queue],
        handlers={"stubborn": stubborn, "stubborn_sync": stubborn_in_a_thread},
        concurrency=2,
        grace_period="300ms",
    )
    async_id = await producer.enqueue(queue, "stubborn", retry_times=0)
    sync_id = await producer.enqueue(queue, "stubborn_sync", retry_times=0)
    serving = asyncio.create_task(worker.serve())
    await asyncio.wait_for(started.wait(), timeout=5)
    await asyncio.to_thread(thread_started.wait, 5)
    await producer.wait_for(queue, async_id, lambda task: task.get("checkpoint") is not None, "checkpointed")
    worker.stop()
    await asyncio.wait_for(serving, timeout=5)

    for task_id in (async_id, sync_id):
        task = await producer.get(queue, task_id)
        assert (task["state"], task["attempted"]) == ("queued", 0), "unclaimed, attempt refunded"
    assert (await producer.get(queue, async_id))["checkpoint"]["data"] == {"page": 7}
    assert await asyncio.to_thread(thread_released.wait, 5), "the sync handler was told to stop"
    history = (await producer.http.get(f"/tasques/{queue}/{async_id}/attempts")).json()
    assert history["attempts"][-1]["outcome"] == "unclaimed", history
