"""SQLite's claim queries walk the claim-order index and stop, however many tasks wait or have finished.

Asserted on SQLite's own query plans (``EXPLAIN QUERY PLAN``): timing a claim would be a flaky way to
say the same thing. Left to itself the planner reads every claimable row of several queues and sorts
them (half a second per claim at 80k waiting), or walks a queue's primary key, finished tasks included.
"""

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app.storage.port import ClaimRequest
from app.storage.sqlite import SqliteTaskStore
from app.storage.sqlite.claim import best_first, claimable_filter, look_ahead_query
from app.storage.sqlite.statements import Statements

AT = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)


async def _plan(store: SqliteTaskStore, sql: str, parameters: list[object]) -> list[str]:
    async def explain(reader: Statements) -> list[str]:
        return [str(row[3]) for row in await reader.execute_fetchall(f"EXPLAIN QUERY PLAN {sql}", parameters)]

    return await store._connections.read(explain)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteTaskStore]:
    created = SqliteTaskStore(tmp_path / "plans.db")
    await created.setup()
    yield created
    await created.close()


@pytest.mark.parametrize("queues", [("a",), ("a", "b", "c"), ()])
async def test_claim_candidates_come_from_the_claim_order_index_without_sorting_the_backlog(
    store: SqliteTaskStore, queues: tuple[str, ...]
) -> None:
    request = ClaimRequest(queues=queues, amount=10, at=AT)
    sql, parameters = best_first(request, claimable_filter(request), columns="document, version", limit=10)
    plan = await _plan(store, sql, parameters)
    index = "tasks_claim_order" if queues else "tasks_claim_order_all_queues"
    walks = [
        step
        for step in plan
        if step.startswith((f"SEARCH tasks USING INDEX {index}", f"SCAN tasks USING INDEX {index}"))
    ]
    assert len(walks) == max(len(queues), 1), plan
    assert not [step for step in plan if step.startswith("SCAN tasks") and index not in step], plan
    # Only the merge of the per-queue walks (at most queues x limit rows) may be sorted.
    sorts = [step for step in plan if "TEMP B-TREE" in step]
    assert len(sorts) == (1 if len(queues) > 1 else 0), plan


@pytest.mark.parametrize("queues", [("a",), ("a", "b"), ()])
async def test_the_idle_claimers_check_does_not_walk_the_queues_primary_key(
    store: SqliteTaskStore, queues: tuple[str, ...]
) -> None:
    sql, parameters = look_ahead_query(ClaimRequest(queues=queues, amount=1, at=AT))
    plan = await _plan(store, sql, parameters)
    assert any("USING INDEX tasks_claim_order" in step for step in plan), plan
    assert not any("PRIMARY KEY" in step or step == "SCAN tasks" for step in plan), plan
