"""Handlers and how their outcome ends the task: async and sync handlers, retries, give-up, unknown kinds."""

import asyncio
import hashlib
import json
import threading
import time

import httpx
import pytest
from prometheus_client import CollectorRegistry
from tasques_worker import GiveUp, TaskContext, Worker

from tests.acceptance.conftest import StartTasquesServers, TasquesServer
from tests.sdk.conftest import JsonObject, Producer, running

pytestmark = pytest.mark.acceptance


async def test_async_and_sync_handlers_complete_their_tasks(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    handler_threads: dict[str, str] = {}

    async def add(ctx: TaskContext) -> JsonObject:
        handler_threads["add"] = threading.current_thread().name
        await asyncio.sleep(0.01)
        return {"sum": ctx.args["a"] + ctx.args["b"]}

    def shout(ctx: TaskContext) -> str:
        handler_threads["shout"] = threading.current_thread().name
        time.sleep(0.01)  # blocking is fine: sync handlers run in the worker's threads
        return str(ctx.args["word"]).upper()

    registry = CollectorRegistry()
    worker = Worker(
        tasques_server.base_url,
        queues=[queue],
        handlers={"add": add, "shout": shout},
        concurrency=2,
        metrics_registry=registry,
    )
    added = await producer.enqueue(queue, "add", args={"a": 2, "b": 3})
    shouted = await producer.enqueue(queue, "shout", args={"word": "hi"})
    async with running(worker):
        add_task = await producer.wait_for_state(queue, added, "done")
        shout_task = await producer.wait_for_state(queue, shouted, "done")

    assert add_task["last_claimed"]["result"]["success"] == {"sum": 5}
    assert shout_task["last_claimed"]["result"]["success"] == {"result": "HI"}, "non-mappings are wrapped"
    assert add_task["last_claimed"]["worker_id"] == worker.worker_id
    assert handler_threads["add"] == threading.main_thread().name, "async handlers run on the loop"
    assert handler_threads["shout"].startswith("tasques-handler"), "sync handlers run in the pool"
    for kind in ("add", "shout"):
        ended = registry.get_sample_value(
            "tasques_worker_ended_tasks_total", {"kind": kind, "outcome": "done"}
        )
        claimed = registry.get_sample_value(
            "tasques_worker_claimed_tasks_total", {"queue": queue, "kind": kind}
        )
        assert (ended, claimed) == (1.0, 1.0)
    assert registry.get_sample_value("tasques_worker_in_flight_tasks") == 0.0


async def test_a_raising_handler_fails_the_task_and_the_retry_runs_it_again(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    worker = Worker(tasques_server.base_url, queues=[queue], block_for="1s")
    attempts: list[int] = []

    @worker.handler("flaky")
    async def flaky(ctx: TaskContext) -> JsonObject:
        attempts.append(ctx.attempt)
        if ctx.attempt == 1:
            raise ValueError("first attempt breaks")
        return {"attempt": ctx.attempt}

    task_id = await producer.enqueue(queue, "flaky", retry_times=1)
    async with running(worker):
        task = await producer.wait_for_state(queue, task_id, "done")

    assert attempts == [1, 2]
    assert (task["attempted"], task["last_claimed"]["result"]["success"]) == (2, {"attempt": 2})
    history = (await producer.http.get(f"/tasques/{queue}/{task_id}/attempts")).json()
    first = history["attempts"][0]
    assert first["outcome"] == "failed", history
    assert first["error"] == {"error": "first attempt breaks", "error_type": "ValueError"}


async def test_give_up_ends_the_task_as_cancelled_without_retries(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    def refuse(ctx: TaskContext) -> None:
        raise GiveUp("input can never work", data={"field": "month"})

    worker = Worker(tasques_server.base_url, queues=[queue], handlers={"refuse": refuse})
    task_id = await producer.enqueue(queue, "refuse", retry_times=5)
    async with running(worker):
        task = await producer.wait_for_state(queue, task_id, "cancelled")

    assert task["attempted"] == 1, "no retry although five were allowed"
    assert task["last_claimed"]["result"]["failure"] == {
        "field": "month",
        "give_up": True,
        "error": "input can never work",
    }


async def test_a_kind_without_handler_fails_with_a_message(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    worker = Worker(tasques_server.base_url, queues=[queue], worker_id="worker-without-handlers")
    task_id = await producer.enqueue(queue, "mystery", retry_times=0)
    async with running(worker):
        task = await producer.wait_for_state(queue, task_id, "dead")

    assert task["last_claimed"]["result"]["failure"] == {
        "error": "no handler for kind 'mystery' on worker worker-without-handlers",
        "error_type": "LookupError",
    }


async def test_a_worker_with_an_api_key_works_on_a_server_that_requires_one(
    start_tasques_servers: StartTasquesServers, queue: str
) -> None:
    key = "worker-secret"
    keys = [{"name": "workers", "sha256": hashlib.sha256(key.encode()).hexdigest(), "scopes": ["admin"]}]
    (server,) = start_tasques_servers(1, settings={"TASQUES_AUTH__API_KEYS": json.dumps(keys)})
    worker = Worker(
        server.base_url, queues=[queue], handlers={"ping": lambda ctx: {"pong": True}}, api_key=key
    )
    async with httpx.AsyncClient(base_url=server.base_url, headers={"X-TASQUES-API-KEY": key}) as http:
        producer = Producer(http)
        refused = await http.post(
            "/tasques/claims", json={"queues": [queue]}, headers={"X-TASQUES-API-KEY": "x"}
        )
        assert refused.status_code == 401, "the server really does require a key"
        task_id = await producer.enqueue(queue, "ping")
        async with running(worker):
            task = await producer.wait_for_state(queue, task_id, "done")
    assert task["last_claimed"]["result"]["success"] == {"pong": True}
