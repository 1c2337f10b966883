"""``Store`` on SQLite; see the package docstring for the concurrency design."""

import dataclasses
import sqlite3
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from app.domain.errors import StoreNotSetUp, TaskAlreadyExists, TaskNotFound, VersionConflict
from app.domain.history import TaskEvent
from app.domain.task import Task
from app.storage.flow_planning import KeyRotation
from app.storage.port import ClaimOutcome, ClaimRequest, CreateResult, TaskChange, UpdateResult
from app.storage.sqlite.admin import SqliteAdminMethods
from app.storage.sqlite.aggregations import SqliteAggregationMethods
from app.storage.sqlite.claim import claim_in_transaction, look_ahead
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.dead_letters import SqliteDeadLetterMethods
from app.storage.sqlite.events import INSERT_EVENTS, SqliteEventMethods, event_rows
from app.storage.sqlite.flow import FLOW_TABLES, SqliteFlowMethods, migrate
from app.storage.sqlite.locks import SqliteLockMethods
from app.storage.sqlite.maintenance import SqliteMaintenanceMethods
from app.storage.sqlite.migrations import add_worker_column, drop_retired_indexes
from app.storage.sqlite.pipelines import SqlitePipelineMethods
from app.storage.sqlite.push_workers import SqlitePushWorkerMethods
from app.storage.sqlite.queue_samples import SqliteQueueSampleMethods
from app.storage.sqlite.recurring import SqliteRecurringMethods
from app.storage.sqlite.revival import revived_from_archive
from app.storage.sqlite.rows import (
    INSERT_TASK,
    UPDATE_TASK,
    stored,
    task_from_row,
    task_row_values,
)
from app.storage.sqlite.search import SqliteSearchMethods
from app.storage.sqlite.statements import Statements
from app.storage.sqlite.stats import SqliteStatsMethods

_TABLES = (
    frozenset({"tasks", "archived_tasks", "dedup_records", "leader_locks", "recurring_tasks", "schema_info"})
    | {"pipelines", "push_workers"}
    | FLOW_TABLES
)


class SqliteTaskStore(
    SqliteLockMethods,
    SqliteRecurringMethods,
    SqliteMaintenanceMethods,
    SqliteDeadLetterMethods,
    SqliteEventMethods,
    SqliteSearchMethods,
    SqliteAggregationMethods,
    SqliteStatsMethods,
    SqliteAdminMethods,
    SqliteFlowMethods,
    SqlitePipelineMethods,
    SqlitePushWorkerMethods,
    SqliteQueueSampleMethods,
):
    def __init__(self, path: Path | str, *, busy_timeout_ms: int = 5_000) -> None:
        self.path = Path(path)
        self._connections = SqliteConnections(self.path, busy_timeout_ms=busy_timeout_ms)
        self._rotation = KeyRotation()

    async def setup(self) -> None:
        schema = resources.files("app.storage.sqlite").joinpath("schema.sql").read_text()

        async def create_and_migrate(writer: Statements) -> None:
            for statement in filter(str.strip, schema.split(";")):
                await writer.execute_fetchall(statement)
            await migrate(writer)
            await add_worker_column(writer)
            await drop_retired_indexes(writer)

        await self._connections.write(create_and_migrate)

    async def verify_setup(self) -> None:
        sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        rows = await self._connections.read(lambda reader: reader.execute_fetchall(sql))
        missing = sorted(_TABLES - {row[0] for row in rows})
        if missing:
            raise StoreNotSetUp([f"sqlite table {name}" for name in missing])

    async def ping(self) -> None:
        await self._connections.read(lambda reader: reader.execute_fetchall("SELECT 1 FROM tasks LIMIT 1"))

    async def probe_writes(self) -> None:
        # Takes the write lock as every write does (BEGIN IMMEDIATE, within the busy timeout) and commits
        # nothing.
        await self._connections.write(_nothing)

    async def close(self) -> None:
        await self._connections.close()

    async def create_tasks(self, tasks: Sequence[Task]) -> list[CreateResult]:
        # Rows are built here, not in the transaction: the writer's thread is the one serialised
        # resource, so it only runs SQLite.
        rows = [(task.queue, task.id, *task_row_values(task)) for task in tasks]

        async def insert_all(writer: Statements) -> list[bool]:
            return [await _inserted(writer, row) for row in rows]

        inserted = await self._connections.write(insert_all)
        return [
            stored(task, 1, row[-1]) if created else TaskAlreadyExists(task.queue, task.id)
            for task, row, created in zip(tasks, rows, inserted, strict=True)
        ]

    async def get_task(self, queue: str, task_id: str) -> Task:
        return await self._connections.read(lambda reader: _read_for_change(reader, queue, task_id))

    async def get_tasks(self, keys: Sequence[tuple[str, str]]) -> list[Task | TaskNotFound]:
        async def find_live(reader: Statements) -> dict[tuple[str, str], Task]:
            found: dict[tuple[str, str], Task] = {}
            for start in range(0, len(keys), 400):  # stays under SQLite's bound-parameter limit
                chunk = keys[start : start + 400]
                pairs = " OR ".join("(queue = ? AND id = ?)" for _ in chunk)
                rows = await reader.execute_fetchall(
                    f"SELECT queue, id, document, version FROM tasks WHERE {pairs}",
                    [part for key in chunk for part in key],
                )
                found.update({(row[0], row[1]): task_from_row((row[2], row[3])) for row in rows})
            return found

        found = await self._connections.read(find_live)
        results: list[Task | TaskNotFound] = []
        for queue, task_id in keys:
            if (queue, task_id) in found:
                results.append(found[(queue, task_id)])
                continue
            try:  # archived tasks live in another table; a rare path, read them one by one
                results.append(await self.get_task(queue, task_id))
            except TaskNotFound as error:
                results.append(error)
        return results

    async def delete_task(self, previous: Task) -> None:
        (result,) = await self.delete_tasks([previous])
        if isinstance(result, VersionConflict | TaskNotFound):
            raise result

    async def update_task(self, previous: Task, updated: Task) -> Task:
        (result,) = await self.update_tasks([(previous, updated)])
        if isinstance(result, VersionConflict | TaskNotFound):
            raise result
        return result

    async def update_tasks(
        self, changes: Sequence[tuple[Task, Task]], *, events: Sequence[Sequence[TaskEvent]] | None = None
    ) -> list[UpdateResult]:
        swaps = [_swap_of(previous, updated) for previous, updated in changes]
        # Rows built here, off the writer's thread (the one serialised resource); only the swapped
        # changes' rows are inserted, in the swaps' transaction.
        history = [event_rows(change_events) for change_events in events] if events is not None else None

        async def swap_all(writer: Statements) -> list[_Swap]:
            outcomes = [await _swapped(writer, swap) for swap in swaps]
            if history is not None:
                rows = [
                    row
                    for outcome, rows in zip(outcomes, history, strict=True)
                    if outcome == "swapped"
                    for row in rows
                ]
                if rows:
                    await writer.executemany(INSERT_EVENTS, rows)
            return outcomes

        outcomes = await self._connections.write(swap_all)
        return [
            _update_result(previous, updated, swap, outcome)
            for (previous, updated), swap, outcome in zip(changes, swaps, outcomes, strict=True)
        ]

    async def revive_task(self, previous: Task, updated: Task) -> Task:
        """One IMMEDIATE transaction: the live compare-and-swap, else the archived row moved back live."""
        swap = _swap_of(previous, updated)

        async def revive(writer: Statements) -> UpdateResult:
            outcome = await _swapped(writer, swap)
            if outcome != "missing":
                return _update_result(previous, updated, swap, outcome)
            return await revived_from_archive(writer, previous, updated)

        result = await self._connections.write(revive)
        if isinstance(result, VersionConflict | TaskNotFound):
            raise result
        return result

    async def change_task(
        self,
        queue: str,
        task_id: str,
        transition: Callable[[Task], Task],
        events_for: Callable[[Task], Sequence[TaskEvent]],
    ) -> TaskChange:
        """Read, transition, swap and history in one IMMEDIATE transaction: one hand-off, no conflict."""

        async def change(writer: Statements) -> TaskChange:
            before = await _read_for_change(writer, queue, task_id)
            updated = transition(before)
            swap = _swap_of(before, updated)
            after = _update_result(before, updated, swap, await _swapped(writer, swap))
            if isinstance(after, VersionConflict | TaskNotFound):
                raise after
            events = list(events_for(after))
            if events:
                await writer.executemany(INSERT_EVENTS, event_rows(events))
            return TaskChange(before=before, after=after, events=events)

        return await self._connections.write(change)

    async def claim_tasks(
        self,
        request: ClaimRequest,
        claim: Callable[[Task], Task],
        *,
        events_for: Callable[[Task], Sequence[TaskEvent]] | None = None,
    ) -> ClaimOutcome:
        """See ``app.storage.sqlite.claim``: limits, fairness, the claims and their history in one
        IMMEDIATE transaction."""
        if request.amount <= 0:
            return ClaimOutcome(claimed=[], conflicts=0)
        ahead = await look_ahead(self._connections, request)
        if not ahead.claimable:
            # Idle blocked claimers re-check often; a read keeps them off the single write lock.
            return ClaimOutcome(claimed=[], conflicts=0)

        async def claim_all(writer: Statements) -> ClaimOutcome:
            outcome = await claim_in_transaction(
                writer,
                request,
                claim,
                rotation=self._rotation,
                compare_and_swap=_compare_and_swap,
                keyed=ahead.keyed,
            )
            if events_for is None or not outcome.claimed:
                return outcome
            events = tuple(event for task in outcome.claimed for event in events_for(task))
            await writer.executemany(INSERT_EVENTS, event_rows(events))
            return dataclasses.replace(outcome, events=events)

        return await self._connections.write(claim_all)


_Swap = Literal["swapped", "conflict", "missing"]


async def _read_for_change(statements: Statements, queue: str, task_id: str) -> Task:
    """The live task, or the archived one (so a transition can say why it does not apply)."""
    for table in ("tasks", "archived_tasks"):
        rows = await statements.execute_fetchall(
            f"SELECT document, version FROM {table} WHERE queue = ? AND id = ?", (queue, task_id)
        )
        if rows:
            return task_from_row(rows[0])
    raise TaskNotFound(queue, task_id)


async def _nothing(writer: Statements) -> None:
    return None


async def _inserted(writer: Statements, row: tuple[Any, ...]) -> bool:
    """Creates the row unless its (queue, id) exists or was archived (dedup record)."""
    deduplicated = await writer.execute_fetchall(
        "SELECT 1 FROM dedup_records WHERE queue = ? AND id = ?", (row[0], row[1])
    )
    if deduplicated:
        return False
    try:
        await writer.execute_fetchall(INSERT_TASK, row)
    except sqlite3.IntegrityError:
        return False
    return True


def _swap_of(previous: Task, updated: Task) -> tuple[Any, ...] | None:
    expected = previous.metadata.version
    if expected is None:
        return None
    return (*task_row_values(updated), previous.queue, previous.id, expected.seq_num)


async def _swapped(writer: Statements, swap: tuple[Any, ...] | None) -> _Swap:
    """``swap``: the new row's values, then queue, id and the expected version (None: no version)."""
    if swap is None:
        return "conflict"
    if (await writer.execute(UPDATE_TASK, swap)).rowcount == 1:
        return "swapped"
    queue, task_id = swap[-3], swap[-2]
    exists = await writer.execute_fetchall("SELECT 1 FROM tasks WHERE queue = ? AND id = ?", (queue, task_id))
    return "conflict" if exists else "missing"


def _update_result(
    previous: Task, updated: Task, swap: tuple[Any, ...] | None, outcome: _Swap
) -> UpdateResult:
    if outcome == "swapped":
        assert swap is not None
        # The row's values end with the document, then queue, id and the version it replaced.
        return stored(updated, swap[-1] + 1, swap[-4])
    return (
        VersionConflict(previous.id) if outcome == "conflict" else TaskNotFound(previous.queue, previous.id)
    )


async def _compare_and_swap(writer: Statements, previous: Task, updated: Task) -> UpdateResult:
    """One compare-and-swap inside a transaction already open (the claim's)."""
    swap = _swap_of(previous, updated)
    return _update_result(previous, updated, swap, await _swapped(writer, swap))
