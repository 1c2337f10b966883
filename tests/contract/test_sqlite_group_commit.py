"""SQLite group commit: concurrent writes share one transaction, yet each is all-or-nothing on its own.

A gate (a ``threading.Event`` a body waits on, on the writer's thread) holds one group in flight so the
test decides which writes travel together, without sleeps.
"""

import asyncio
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from app.domain.errors import StoreUnavailable
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.group_commit import GroupCommitWriter, GroupResult, Job
from app.storage.sqlite.statements import Statements

Write = Callable[[Statements], Coroutine[Any, Any, str]]


@pytest.fixture
async def connections(tmp_path: Path) -> AsyncIterator[SqliteConnections]:
    created = SqliteConnections(tmp_path / "group.db", busy_timeout_ms=5_000)

    async def create_tables(writer: Statements) -> None:
        await writer.execute_fetchall("CREATE TABLE rows (name TEXT PRIMARY KEY)")
        await writer.execute_fetchall("CREATE TABLE parents (id TEXT PRIMARY KEY)")
        await writer.execute_fetchall(
            "CREATE TABLE children (id TEXT PRIMARY KEY, "
            "parent TEXT REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)"
        )

    await created.write(create_tables)
    yield created
    await created.close()


def insert(name: str) -> Write:
    async def body(writer: Statements) -> str:
        await writer.execute_fetchall("INSERT INTO rows (name) VALUES (?)", (name,))
        return name

    return body


async def names(connections: SqliteConnections) -> set[str]:
    rows = await connections.read(lambda reader: reader.execute_fetchall("SELECT name FROM rows"))
    return {row[0] for row in rows}


class Gate:
    """A write that holds the writer's thread until opened, so the writes behind it form one group."""

    def __init__(self) -> None:
        self.entered = threading.Event()
        self.opened = threading.Event()

    async def body(self, writer: Statements) -> None:
        self.entered.set()
        self.opened.wait()

    async def hold(self, connections: SqliteConnections) -> "asyncio.Task[None]":
        held = asyncio.create_task(connections.write(self.body))
        await asyncio.to_thread(self.entered.wait)
        return held


GroupBody = Callable[[Statements], Coroutine[Any, Any, str | None]]


async def outcomes_of_one_group(connections: SqliteConnections, bodies: list[GroupBody]) -> list[object]:
    """Each body's result or exception, the bodies having waited behind a gate to travel as one group."""
    gate = Gate()
    held = await gate.hold(connections)
    group = [asyncio.create_task(connections.write(body)) for body in bodies]
    await asyncio.sleep(0)  # every write of the group is queued
    gate.opened.set()
    await held
    return await asyncio.gather(*group, return_exceptions=True)


async def test_concurrent_writes_share_a_transaction(connections: SqliteConnections) -> None:
    before = connections.transactions_committed
    written = await asyncio.gather(*(connections.write(insert(f"row-{n}")) for n in range(20)))
    assert written == [f"row-{n}" for n in range(20)]
    assert await names(connections) == {f"row-{n}" for n in range(20)}
    assert connections.transactions_committed - before < 20


async def test_a_group_commits_once_for_every_write_that_waited_behind_it(
    connections: SqliteConnections,
) -> None:
    gate = Gate()
    held = await gate.hold(connections)
    before = connections.transactions_committed
    group = [asyncio.create_task(connections.write(insert(f"row-{n}"))) for n in range(10)]
    await asyncio.sleep(0)  # every write of the group is queued
    gate.opened.set()
    await asyncio.gather(held, *group)
    assert connections.transactions_committed - before == 2  # the gate's, then the ten together


async def test_a_body_that_raises_loses_only_its_own_writes(connections: SqliteConnections) -> None:
    async def insert_then_fail(writer: Statements) -> None:
        await writer.execute_fetchall("INSERT INTO rows (name) VALUES ('failed')")
        raise ValueError("the body's own error")

    outcomes = await outcomes_of_one_group(connections, [insert("first"), insert_then_fail, insert("last")])
    assert outcomes[0] == "first"
    assert isinstance(outcomes[1], ValueError)
    assert str(outcomes[1]) == "the body's own error"
    assert outcomes[2] == "last"
    assert await names(connections) == {"first", "last"}


async def test_a_failed_statement_inside_a_body_keeps_the_bodys_earlier_writes_when_it_catches_it(
    connections: SqliteConnections,
) -> None:
    async def insert_twice(writer: Statements) -> bool:
        await writer.execute_fetchall("INSERT INTO rows (name) VALUES ('kept')")
        try:
            await writer.execute_fetchall("INSERT INTO rows (name) VALUES ('kept')")
        except sqlite3.IntegrityError:
            return False
        return True

    caught, other = await asyncio.gather(connections.write(insert_twice), connections.write(insert("other")))
    assert (caught, other) == (False, "other")
    assert await names(connections) == {"kept", "other"}


async def test_a_caller_cancelled_before_its_release_has_its_writes_rolled_back(
    connections: SqliteConnections,
) -> None:
    inside, may_finish = threading.Event(), threading.Event()

    async def insert_and_wait(writer: Statements) -> str:
        await writer.execute_fetchall("INSERT INTO rows (name) VALUES ('cancelled')")
        inside.set()
        may_finish.wait()
        return "cancelled"

    gate = Gate()
    held = await gate.hold(connections)
    first = asyncio.create_task(connections.write(insert("first")))
    cancelled = asyncio.create_task(connections.write(insert_and_wait))
    last = asyncio.create_task(connections.write(insert("last")))
    await asyncio.sleep(0)
    gate.opened.set()
    await asyncio.to_thread(inside.wait)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    may_finish.set()
    await held
    assert [await first, await last] == ["first", "last"]
    assert await names(connections) == {"first", "last"}


async def test_a_caller_cancelled_before_its_group_leaves_is_never_run(
    connections: SqliteConnections,
) -> None:
    gate = Gate()
    held = await gate.hold(connections)
    cancelled = asyncio.create_task(connections.write(insert("cancelled")))
    last = asyncio.create_task(connections.write(insert("last")))
    await asyncio.sleep(0)
    cancelled.cancel()
    gate.opened.set()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await asyncio.gather(held, last)
    assert await names(connections) == {"last"}


async def test_a_write_submitted_after_another_sees_its_effects(connections: SqliteConnections) -> None:
    def insert_and_count(name: str) -> Callable[[Statements], Coroutine[Any, Any, int]]:
        async def body(writer: Statements) -> int:
            await writer.execute_fetchall("INSERT INTO rows (name) VALUES (?)", (name,))
            return int((await writer.execute_fetchall("SELECT COUNT(*) FROM rows"))[0][0])

        return body

    gate = Gate()
    held = await gate.hold(connections)
    counts = asyncio.gather(*(connections.write(insert_and_count(f"row-{n}")) for n in range(30)))
    await asyncio.sleep(0)
    gate.opened.set()
    await held
    assert await counts == list(range(1, 31))


async def test_a_failing_commit_fails_every_caller_and_commits_nothing(
    connections: SqliteConnections,
) -> None:
    async def orphan_child(writer: Statements) -> str:
        # The foreign key is deferred: SQLite checks it only at COMMIT, which then fails for the group.
        await writer.execute_fetchall("INSERT INTO children (id, parent) VALUES ('orphan', 'nobody')")
        return "orphan"

    async def own_error(writer: Statements) -> None:
        raise ValueError("the body's own error")

    outcomes = await outcomes_of_one_group(
        connections, [insert("first"), orphan_child, own_error, insert("last")]
    )
    assert [type(outcome) for outcome in outcomes] == [
        StoreUnavailable,
        StoreUnavailable,
        ValueError,
        StoreUnavailable,
    ]
    assert await names(connections) == set()
    children = await connections.read(lambda reader: reader.execute_fetchall("SELECT id FROM children"))
    assert children == []
    assert await connections.write(insert("after")) == "after"  # the writer carries on


async def test_a_body_whose_error_ends_the_whole_transaction_fails_the_group(
    connections: SqliteConnections,
) -> None:
    async def roll_everything_back(writer: Statements) -> None:
        await writer.execute_fetchall("ROLLBACK")
        raise ValueError("the body's own error")

    outcomes = await outcomes_of_one_group(
        connections, [insert("first"), roll_everything_back, insert("last")]
    )
    assert [type(outcome) for outcome in outcomes] == [StoreUnavailable, ValueError, StoreUnavailable]
    assert await names(connections) == set()
    assert await connections.write(insert("after")) == "after"


async def test_a_group_whose_callers_left_while_another_process_held_the_lock_writes_nothing(
    connections: SqliteConnections, tmp_path: Path
) -> None:
    other_process = sqlite3.connect(tmp_path / "group.db", isolation_level=None)
    try:
        other_process.execute("BEGIN IMMEDIATE")
        waiting = asyncio.create_task(connections.write(insert("abandoned")))
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        other_process.execute("ROLLBACK")
        assert await connections.write(insert("after")) == "after"
        assert await names(connections) == {"after"}
    finally:
        other_process.close()


async def test_a_store_that_cannot_open_fails_each_write_and_keeps_answering(tmp_path: Path) -> None:
    missing = SqliteConnections(tmp_path / "no-such-directory" / "group.db", busy_timeout_ms=100)
    try:
        outcomes = await asyncio.gather(
            *(missing.write(insert(f"row-{n}")) for n in range(3)), return_exceptions=True
        )
        assert [type(outcome) for outcome in outcomes] == [StoreUnavailable] * 3
        with pytest.raises(StoreUnavailable):
            await missing.write(insert("later"))
    finally:
        await missing.close()


async def test_a_group_the_writers_thread_refuses_fails_its_callers_and_the_next_group_still_goes() -> None:
    executor = ThreadPoolExecutor(max_workers=1)
    connection = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    refusals = [RuntimeError("cannot schedule new futures")]

    def submit(job: Job[GroupResult]) -> "Future[GroupResult]":
        if refusals:
            raise refusals.pop()
        return executor.submit(job, connection)

    writer = GroupCommitWriter(submit, busy_seconds=1, turn=None, limit=64, on_commit=lambda: None)
    try:
        with pytest.raises(RuntimeError, match="cannot schedule"):
            await writer.write(lambda statements: statements.execute_fetchall("SELECT 1"))
        assert await writer.write(lambda statements: statements.execute_fetchall("SELECT 1")) == [(1,)]
    finally:
        executor.shutdown(wait=True)
        connection.close()
