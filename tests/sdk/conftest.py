"""One real ``tasques serve`` process for the whole SDK suite, plus a producer to enqueue and inspect.

The server comes from the acceptance fixtures' pool (same startup, stop and log-on-failure handling);
it is shared by every SDK test, each of which works in queues of its own. The leader's reaper runs every
100 ms and retries wait 10 ms, so timeouts and retries are observable within a test's second or two.
"""

import asyncio
import contextlib
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx
import pytest
from tasques_worker import Worker

from tests.acceptance.conftest import (
    TasquesServer,
    TasquesServerPool,
    pytest_runtest_makereport,  # attaches the server's log to failing reports here too
    start_tasques_servers,
)

__all__ = ["Producer", "pytest_runtest_makereport", "running", "start_tasques_servers", "tasques_server"]

JsonObject = dict[str, Any]
SERVER_SETTINGS = {
    "TASQUES_MAINTENANCE__REAPER__INTERVAL": "100ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__STRATEGY": "fixed",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__BASE": "10ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__MAX": "10ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__JITTER": "0",
    "TASQUES_TASKS__LIMITS__CLAIM_RECHECK_INTERVAL": "20ms",
}
WAIT_TIMEOUT_SECONDS = 10.0
POLL_SECONDS = 0.02


@pytest.fixture(scope="session")
def tasques_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TasquesServer]:
    pool = TasquesServerPool(tmp_path_factory.mktemp("sdk-server"))
    try:
        (server,) = pool.start(1, settings=SERVER_SETTINGS)
        yield server
    finally:
        pool.stop_all()


@pytest.fixture
def queue() -> str:
    """A queue of the test's own on the shared server."""
    return f"sdk-{uuid.uuid4().hex[:12]}"


class Producer:
    """The producer's side over plain HTTP, independent of the SDK under test."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def enqueue(self, queue: str, kind: str, **fields: Any) -> str:
        response = await self.http.post("/tasques", json={"queue": queue, "kind": kind, **fields})
        assert response.status_code == 201, response.text
        task_id: str = response.json()["id"]
        return task_id

    async def get(self, queue: str, task_id: str) -> JsonObject:
        response = await self.http.get(f"/tasques/{queue}/{task_id}")
        assert response.status_code == 200, response.text
        task: JsonObject = response.json()
        return task

    async def cancel(self, queue: str, task_id: str) -> None:
        response = await self.http.post(f"/tasques/{queue}/{task_id}/cancel", json={"reason": "test"})
        assert response.status_code == 200, response.text

    async def wait_for(
        self, queue: str, task_id: str, condition: Callable[[JsonObject], bool], what: str
    ) -> JsonObject:
        deadline = time.monotonic() + WAIT_TIMEOUT_SECONDS
        while True:
            task = await self.get(queue, task_id)
            if condition(task):
                return task
            if time.monotonic() > deadline:
                pytest.fail(f"task {task_id} never became {what}; last seen: {task}")
            await asyncio.sleep(POLL_SECONDS)

    async def wait_for_state(self, queue: str, task_id: str, *states: str) -> JsonObject:
        return await self.wait_for(queue, task_id, lambda task: task["state"] in states, "/".join(states))


@pytest.fixture
async def producer(tasques_server: TasquesServer) -> AsyncIterator[Producer]:
    async with httpx.AsyncClient(base_url=tasques_server.base_url, timeout=10.0) as http:
        yield Producer(http)


@contextlib.asynccontextmanager
async def running(worker: Worker) -> AsyncIterator["asyncio.Task[None]"]:
    """Serves ``worker`` in the background; stops it and waits for it on the way out."""
    serving = asyncio.create_task(worker.serve())
    try:
        yield serving
    finally:
        worker.stop()
        await asyncio.wait_for(serving, timeout=WAIT_TIMEOUT_SECONDS)
