"""The worker protocol's requests run on the event loop: no FastAPI thread-pool hand-off per request.

FastAPI runs a plain ``def`` dependency or handler in anyio's thread pool, a thread hand-off that costs
more than the work it wraps; the store's own threads are the store's business and are not counted here.
"""

from collections.abc import Callable
from typing import Any

import anyio.to_thread
import httpx
import pytest

from tests.api.conftest import WORKER, claim, enqueue


@pytest.fixture
def thread_pool_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    calls: list[str] = []
    run_sync = anyio.to_thread.run_sync

    async def counting(function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        calls.append(getattr(function, "__qualname__", repr(function)))
        return await run_sync(function, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counting)
    return calls


async def test_enqueue_claim_report_and_finish_use_no_thread_pool(
    api: httpx.AsyncClient, thread_pool_calls: list[str]
) -> None:
    await enqueue(api, id="a")
    await enqueue(api, id="b")
    batch = await api.post("/tasques/batch", json={"tasks": [{"queue": "q", "kind": "k", "id": "c"}]})
    first, second, third = await claim(api, amount=3)
    lease = {**WORKER, "X-TASQUES-LEASE-TOKEN": str(first["lease_token"])}
    report = await api.put("/tasques/reports/q/a", json={"data": {"p": 1}}, headers=lease)
    done = await api.put("/tasques/done/q/a", json={"data": {}}, headers=lease)
    failed = await api.put(
        f"/tasques/failed/q/{second['id']}",
        json={"data": {}},
        headers={**WORKER, "X-TASQUES-LEASE-TOKEN": str(second["lease_token"])},
    )
    finish = await api.post(
        "/tasques/batch/finish",
        json={
            "items": [
                {"queue": "q", "id": third["id"], "outcome": "done", "lease_token": third["lease_token"]}
            ]
        },
        headers=WORKER,
    )

    statuses = {response.status_code for response in (batch, report, done, failed, finish)}
    assert statuses == {200}
    assert thread_pool_calls == []
