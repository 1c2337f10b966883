"""Claims at shutdown, in process: what ``test_graceful_shutdown`` judges on real processes, driven step
by step here so each path is reached on purpose.

- once shutdown begins (``Components.begin_shutdown``, which ``tasques serve`` calls as uvicorn's
  shutdown starts) blocked long-polls answer at once with what they hold, new claims are refused with 503
  ``server_shutting_down`` and ``Retry-After``, and finishing a claimed task still works;
- a long-poll cancelled anyway (uvicorn's drain timed out) hands its tasks back, and the app's stop waits
  for that hand-back before it closes the store, but no longer than its bound.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.components import Components, build_app, build_components
from app.config import Settings
from app.domain.states import TaskState
from app.domain.task import Task
from app.services.claims import ClaimOrder
from app.storage.sqlite import SqliteTaskStore

QUEUE = "shutdown"
WORKER = {"X-TASQUES-WORKER-ID": "worker-1"}


class GatedStore(SqliteTaskStore):
    """Signals when a claim pass has won tasks, and holds every task update until ``gate`` opens."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.won = asyncio.Event()
        self.update_waiting = asyncio.Event()
        self.gate = asyncio.Event()
        self.gate.set()

    async def claim_tasks(self, *args: Any, **kwargs: Any) -> Any:
        outcome = await super().claim_tasks(*args, **kwargs)
        if outcome.claimed:
            self.won.set()
        return outcome

    async def update_task(self, *args: Any, **kwargs: Any) -> Any:
        self.update_waiting.set()
        await self.gate.wait()
        return await super().update_task(*args, **kwargs)


def _settings(*, shutdown_timeout: str = "10s") -> Settings:
    return Settings.model_validate(
        {"maintenance": {"enabled": False}, "server": {"shutdown_timeout": shutdown_timeout}}
    )


@asynccontextmanager
async def _running(
    store: SqliteTaskStore, *, shutdown_timeout: str = "10s"
) -> AsyncIterator[tuple[Components, httpx.AsyncClient]]:
    components = build_components(_settings(shutdown_timeout=shutdown_timeout), store=store)
    app = build_app(components)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as api,
    ):
        yield components, api


@asynccontextmanager
async def _started(
    store: SqliteTaskStore, *, shutdown_timeout: str = "10s"
) -> AsyncIterator[tuple[Components, httpx.AsyncClient]]:
    """Started without the lifespan: the test calls ``stop`` itself, at the moment it chooses."""
    components = build_components(_settings(shutdown_timeout=shutdown_timeout), store=store)
    await components.start()
    transport = httpx.ASGITransport(app=build_app(components))
    async with httpx.AsyncClient(transport=transport, base_url="http://tasques") as api:
        yield components, api


async def _enqueue(api: httpx.AsyncClient, task_id: str) -> None:
    response = await api.post("/tasques", json={"id": task_id, "queue": QUEUE, "kind": "k"})
    assert response.status_code == 201, response.text


def _long_poll(components: Components, *, amount: int) -> "asyncio.Task[list[Task]]":
    order = ClaimOrder(worker_id="worker-1", queues=(QUEUE,), amount=amount, block_for=timedelta(seconds=30))
    return asyncio.create_task(components.claims.claim(order))


async def _state_on_disk(path: Path, task_id: str) -> TaskState:
    reader = SqliteTaskStore(path)
    try:
        return (await reader.get_task(QUEUE, task_id)).state
    finally:
        await reader.close()


async def test_shutdown_wakes_long_polls_with_what_they_hold_and_refuses_new_claims(tmp_path: Path) -> None:
    store = GatedStore(tmp_path / "tasques.db")
    async with _running(store) as (components, api):
        await _enqueue(api, "held")
        long_poll = _long_poll(components, amount=5)
        await store.won.wait()
        await components.arrivals.someone_waited.wait()

        components.begin_shutdown()  # what ``tasques serve`` calls as uvicorn's shutdown begins
        held = await asyncio.wait_for(long_poll, timeout=2.0)
        refused = await api.post(
            "/tasques/claims", json={"queues": [QUEUE], "amount": 1, "block_for": "0s"}, headers=WORKER
        )
        await _enqueue(api, "after-shutdown-began")
        done = await api.put(
            f"/tasques/done/{QUEUE}/held",
            json={"data": {}},
            headers={**WORKER, "X-TASQUES-LEASE-TOKEN": held[0].lease_token or ""},
        )

    assert [task.id for task in held] == ["held"]
    assert refused.status_code == 503, refused.text
    assert refused.json()["error"] == "server_shutting_down"
    assert refused.headers["Retry-After"] == "2"
    assert done.status_code == 200, done.text
    assert await _state_on_disk(tmp_path / "tasques.db", "after-shutdown-began") is TaskState.QUEUED


async def test_a_cut_off_long_poll_hands_its_tasks_back_before_the_store_closes(tmp_path: Path) -> None:
    store = GatedStore(tmp_path / "tasques.db")
    async with _started(store) as (components, api):
        await _enqueue(api, "won")
        long_poll = _long_poll(components, amount=5)
        await store.won.wait()
        store.gate.clear()
        long_poll.cancel()  # what uvicorn does once its graceful-shutdown timeout runs out
        await store.update_waiting.wait()
        stopping = asyncio.create_task(components.stop())
        # Nothing can signal "stop did not go on": give it time to (it takes milliseconds when it does).
        finished, _ = await asyncio.wait({stopping}, timeout=0.3)
        store.gate.set()
        await stopping
        with pytest.raises(asyncio.CancelledError):
            await long_poll

    assert finished == set(), "stop went on to close the store under the hand-back"
    assert await _state_on_disk(tmp_path / "tasques.db", "won") is TaskState.QUEUED


async def test_stop_waits_for_a_stuck_hand_back_only_within_its_bound(tmp_path: Path) -> None:
    store = GatedStore(tmp_path / "tasques.db")
    async with _started(store, shutdown_timeout="400ms") as (components, api):
        await _enqueue(api, "stuck")
        long_poll = _long_poll(components, amount=5)
        await store.won.wait()
        store.gate.clear()
        long_poll.cancel()
        await store.update_waiting.wait()
        loop = asyncio.get_running_loop()
        started = loop.time()
        await components.stop()
        took = loop.time() - started
        store.gate.set()  # the hand-back now fails on the closed store and leaves the task to the reaper
        with pytest.raises(asyncio.CancelledError):
            await long_poll
        await components.claims.hand_backs_finished()

    assert 0.15 <= took < 0.4, took  # half the shutdown timeout, then the rest of stop
