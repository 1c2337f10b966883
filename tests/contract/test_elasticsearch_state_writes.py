"""State changes on the engine are full-document writes that keep what this code does not know.

A claim, a finish, a failure... rewrites most of a task's keys, and the engine runs a scripted update
as a read of the stored document, a merge and a full reindex; so a state change of a task whose stored
document the store read is a conditional ``index`` of the new document plus the stored top-level keys
this code does not write (a newer server's, a tool's). Reports stay scripted: a heartbeat never
re-sends the args. The store runs on a recorder that forwards every call to the real node.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import orjson
import pytest

from app.domain.task import Claimant, Task
from app.storage.elasticsearch import ElasticsearchTaskStore
from app.storage.elasticsearch.engine import SearchEngine
from app.storage.port import ClaimRequest
from tests.contract.test_elasticsearch_specifics import NOW, claim_at, created, new_task
from tests.support.elasticsearch import ElasticsearchHarness, ForwardingEngine, elasticsearch_harness

FUTURE_KEY = {"x_future": {"kept": True, "n": [1, 2]}}


class BulkRecorder(ForwardingEngine):
    """The real engine, recording the action of every bulk line sent through it and counting reads."""

    def __init__(self, inner: SearchEngine) -> None:
        super().__init__(inner)
        self.actions: list[str] = []
        self.reads = 0

    async def mget(self, **params: Any) -> dict[str, Any]:
        self.reads += len(params["docs"])
        response: dict[str, Any] = await self._inner.mget(**params)
        return response

    async def bulk(self, **params: Any) -> dict[str, Any]:
        lines = bytes(params["operations"]).splitlines()
        position = 0
        while position < len(lines):
            (kind,) = orjson.loads(lines[position])
            self.actions.append(kind)
            position += 1 if kind == "delete" else 2
        response: dict[str, Any] = await self._inner.bulk(**params)
        return response


@asynccontextmanager
async def recorded_store(
    *, scripted_updates: bool
) -> AsyncIterator[tuple[ElasticsearchHarness, ElasticsearchTaskStore, BulkRecorder]]:
    async with elasticsearch_harness(scripted_updates=scripted_updates) as harness:
        recorder = BulkRecorder(harness.client)
        store = ElasticsearchTaskStore(
            recorder, index_prefix=harness.index_prefix, scripted_updates=scripted_updates
        )
        yield harness, store, recorder


async def _stored_source(harness: ElasticsearchHarness, task_id: str) -> dict[str, Any]:
    source: dict[str, Any] = (
        await harness.client.get(index=f"{harness.index_prefix}queue-work", id=task_id)
    )["_source"]
    return source


async def _with_future_key(harness: ElasticsearchHarness, task_id: str) -> None:
    index = f"{harness.index_prefix}queue-work"
    await harness.rest("POST", f"/{index}/_update/{task_id}", {"doc": FUTURE_KEY})


@pytest.mark.parametrize("scripted_updates", [True, False], ids=["scripted", "script-free"])
async def test_a_claim_from_search_and_a_batch_finish_are_full_writes_that_keep_unknown_keys(
    scripted_updates: bool,
) -> None:
    async with recorded_store(scripted_updates=scripted_updates) as (harness, store, recorder):
        await created(harness, new_task("t1", args={"big": "payload"}), new_task("t2", args={"n": 2}))
        await _with_future_key(harness, "t1")
        await harness.make_searchable()

        outcome = await store.claim_tasks(ClaimRequest(queues=("work",), amount=2, at=NOW), claim_at(NOW))
        claimed = {task.id: task for task in outcome.claimed}
        claim_actions = list(recorder.actions)
        previous = await store.get_tasks([("work", "t1"), ("work", "t2")])
        changes = [
            (
                task,
                task.mark_done(
                    Claimant(worker_id="w1", lease_token=task.lease_token), at=NOW, data={"ok": 1}
                ),
            )
            for task in previous
            if isinstance(task, Task)
        ]
        results = await store.update_tasks(changes)

        assert sorted(claimed) == ["t1", "t2"]
        assert claim_actions == ["index", "index"]
        assert recorder.actions[2:] == ["index", "index"]
        assert all(isinstance(result, Task) for result in results)
        source = await _stored_source(harness, "t1")
        assert source["x_future"] == FUTURE_KEY["x_future"]
        assert source["args"] == {"big": "payload"}
        assert source["state"] == "done"
        assert source["search_text"] == "big payload ok 1"
        assert "x_future" not in await _stored_source(harness, "t2")
        assert await store.get_task("work", "t1") == results[0]


async def test_a_report_stays_a_scripted_update_and_keeps_the_args_unsent() -> None:
    async with recorded_store(scripted_updates=True) as (harness, store, recorder):
        (task,) = await created(harness, new_task("t1", args={"big": "payload"}))
        await _with_future_key(harness, "t1")
        task = await store.get_task("work", "t1")
        task = await store.update_task(task, claim_at(NOW)(task))
        claimant = Claimant(worker_id="w1", lease_token=task.lease_token)
        reported = await store.update_task(task, task.report_in(claimant, at=NOW, data={"step": 3}))

        assert recorder.actions == ["index", "update"]
        source = await _stored_source(harness, "t1")
        assert source["last_claimed"]["last_report"]["data"] == {"step": 3}
        assert source["x_future"] == FUTURE_KEY["x_future"]
        assert await store.get_task("work", "t1") == reported


async def test_a_state_change_of_a_task_whose_stored_document_was_not_read_here_stays_scripted() -> None:
    async with recorded_store(scripted_updates=True) as (harness, store, recorder):
        (task,) = await created(harness, new_task("t1"))
        await _with_future_key(harness, "t1")
        # Read by another store (another server): this one never saw the stored document.
        task = await harness.store.get_task("work", "t1")

        claimed = await store.update_task(task, claim_at(NOW)(task))

        assert recorder.actions == ["update"]
        assert (await _stored_source(harness, "t1"))["x_future"] == FUTURE_KEY["x_future"]
        assert await store.get_task("work", "t1") == claimed


async def test_a_finish_of_a_task_this_store_claimed_is_written_without_reading_it_back() -> None:
    async with recorded_store(scripted_updates=True) as (harness, store, recorder):
        await created(harness, new_task("mine", priority=5, args={"n": 1}), new_task("theirs", args={"n": 2}))
        await _with_future_key(harness, "mine")
        await harness.make_searchable()
        outcome = await store.claim_tasks(ClaimRequest(queues=("work",), amount=1, at=NOW), claim_at(NOW))
        assert [task.id for task in outcome.claimed] == ["mine"]
        theirs = await harness.store.get_task("work", "theirs")
        theirs = await harness.store.update_task(theirs, claim_at(NOW, "w2")(theirs))
        recorder.actions.clear()

        def done(task: Task) -> Task:
            holder = task.last_claimed.worker_id if task.last_claimed is not None else ""
            return task.mark_done(Claimant(worker_id=holder, lease_token=task.lease_token), at=NOW, data=None)

        mine_done = await store.change_task("work", "mine", done, lambda task: [])
        assert recorder.reads == 0
        theirs_done = await store.change_task("work", "theirs", done, lambda task: [])

        assert recorder.reads == 1  # claimed elsewhere: read first
        assert recorder.actions == ["index", "index"]
        assert mine_done.after == await harness.store.get_task("work", "mine")
        assert theirs_done.after == await harness.store.get_task("work", "theirs")
        assert (await _stored_source(harness, "mine"))["x_future"] == FUTURE_KEY["x_future"]
