"""Each documented query on SQLite's tasks and history walks the index schema.sql names for it.

The statements are the store's own, caught as they run (``trace_statements``) and then explained
(``EXPLAIN QUERY PLAN``): an index whose partial condition a query does not spell the same way, or that
another index outbids, shows here as a table scan or a walk of the wrong index.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from app.domain.flow import FlowLimit, FlowRules
from app.domain.queries import TaskQuery
from app.domain.states import TaskState
from app.storage.port import ClaimRequest, FlowOptions
from app.storage.sqlite import SqliteTaskStore
from app.storage.sqlite.statements import Statements
from tests.contract.conftest import T0, queued_task

Operation = Callable[[SqliteTaskStore], Awaitable[Any]]

LATER = T0 + timedelta(days=30)

# (what the store is asked, a fragment of the statement to explain, the index its plan must use)
QUERIES: list[tuple[str, Operation, str, str]] = [
    (
        "reaper",
        lambda store: store.find_timed_out(at=LATER, limit=10),
        "times_out_at_us <=",
        "tasks_timeouts",
    ),
    (
        "archiver",
        lambda store: store.archive_finished(finished_before=LATER, at=LATER, limit=10),
        "SELECT queue, id, version, document FROM tasks",
        "tasks_finished_by_age",
    ),
    (
        "dead-letter retention",
        lambda store: store.find_dead_tasks(queue="q", finished_before=LATER, limit=10),
        "state = 'dead' AND queue",
        "tasks_dead",
    ),
    (
        "recurring count",
        lambda store: store.count_outstanding(queue="q", recurring_task_id="every-minute"),
        "SELECT COUNT(*) FROM tasks",
        "tasks_by_recurring_task",
    ),
    (
        "recurring find",
        lambda store: store.find_outstanding(queue="q", recurring_task_id="every-minute", limit=5),
        "recurring_task_id =",
        "tasks_by_recurring_task",
    ),
    (
        "by worker",
        lambda store: store.search_tasks(TaskQuery(worker_id="worker-1"), limit=10, cursor=None),
        "worker_id =",
        "tasks_by_last_worker",
    ),
    (
        "by worker and state",
        lambda store: store.search_tasks(
            TaskQuery(worker_id="worker-1", states=(TaskState.CLAIMED,)), limit=10, cursor=None
        ),
        "worker_id =",
        "tasks_by_last_worker",
    ),
    (
        "events by task",
        lambda store: store.list_events("q", "t1", limit=10),
        "task_id =",
        "task_events_by_task",
    ),
    (
        "events by age",
        lambda store: store.prune_events(before=T0, limit=10),
        "FROM task_events WHERE at_us",
        "task_events_by_age",
    ),
    (
        "archive retention",
        lambda store: store.prune_archive(archived_before=T0, dedup_before=T0, limit=10),
        "FROM archived_tasks WHERE archived_at_us",
        "archived_tasks_by_age",
    ),
    (
        "dedup retention",
        lambda store: store.prune_archive(archived_before=None, dedup_before=T0, limit=10),
        "FROM dedup_records WHERE archived_at_us",
        "dedup_records_by_age",
    ),
]


LIMITED = FlowOptions(
    rules=FlowRules(
        queues=(("q", FlowLimit(max_concurrency=5)),), keys=(("tenant:*", FlowLimit(max_concurrency=1)),)
    )
)


def _claim_under_limits(store: SqliteTaskStore) -> Awaitable[Any]:
    return store.claim_tasks(
        ClaimRequest(queues=("q",), amount=1, at=T0, flow=LIMITED),
        lambda task: task.claim(worker_id="worker-2", at=T0, lease_token="lease-2"),
    )


# Counts read only from their index: each counted row looked up in the table cost the claim a
# millisecond per 500 claimed tasks.
COUNTS: list[tuple[str, str]] = [
    ("SELECT queue, COUNT(*) FROM tasks WHERE state = 'claimed'", "tasks_claimed_per_queue"),
    ("SELECT concurrency_key, COUNT(*) FROM tasks WHERE state = 'claimed'", "tasks_claimed_per_key"),
]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteTaskStore]:
    created = SqliteTaskStore(tmp_path / "plans.db")
    await created.setup()
    await created.create_tasks([queued_task(f"t{number}") for number in range(3)])
    await created.claim_tasks(
        ClaimRequest(queues=("q",), amount=1, at=T0),
        lambda task: task.claim(worker_id="worker-1", at=T0, lease_token="lease"),
    )
    yield created
    await created.close()


async def _statements_of(store: SqliteTaskStore, operation: Operation) -> list[str]:
    caught: list[str] = []
    await store._connections.trace_statements(caught.append)
    try:
        await operation(store)
    finally:
        await store._connections.trace_statements(None)
    return caught


async def _plan(store: SqliteTaskStore, sql: str) -> list[str]:
    async def explain(reader: Statements) -> list[str]:
        return [str(row[3]) for row in await reader.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}")]

    return await store._connections.read(explain)


async def _plans_of(store: SqliteTaskStore, operation: Operation, fragment: str) -> list[list[str]]:
    """The plan of each statement ``operation`` runs that contains ``fragment`` (at least one)."""
    statements = [sql for sql in await _statements_of(store, operation) if fragment in sql]
    assert statements, "the store no longer runs a statement with this fragment"
    return [await _plan(store, sql) for sql in statements]


@pytest.mark.parametrize(
    ("operation", "fragment", "index"),
    [pytest.param(operation, fragment, index, id=name) for name, operation, fragment, index in QUERIES],
)
async def test_the_query_walks_its_index(
    store: SqliteTaskStore, operation: Operation, fragment: str, index: str
) -> None:
    for plan in await _plans_of(store, operation, fragment):
        assert any(f"INDEX {index} " in f"{step} " for step in plan), plan
        assert not [step for step in plan if step.startswith("SCAN tasks") and "INDEX" not in step], plan


@pytest.mark.parametrize(("fragment", "index"), COUNTS)
async def test_a_limited_claim_counts_claimed_tasks_from_a_covering_index(
    store: SqliteTaskStore, fragment: str, index: str
) -> None:
    for plan in await _plans_of(store, _claim_under_limits, fragment):
        assert any(f"COVERING INDEX {index} " in f"{step} " for step in plan), plan
