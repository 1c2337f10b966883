"""The processes' write turn on one SQLite file: held by one at a time, waited for in the kernel, bounded
by the busy timeout and by the callers, and never left held by a writer that gave up or died.

Two ``WriteTurn`` objects on one file stand for two processes: ``flock`` locks belong to open file
descriptions, so two descriptors of one process conflict exactly as two processes' do. A subprocess is
used only where a process must die holding the turn.
"""

import asyncio
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import pytest

from app.domain.errors import StoreUnavailable
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.statements import Statements
from app.storage.sqlite.write_turn import WriteTurn

# Generous bounds for waits that end as soon as the awaited event happens: a slow machine still passes.
PATIENCE_SECONDS = 10.0


def never_abandoned() -> bool:
    return False


def take_soon(turn: WriteTurn) -> bool:
    return turn.take(deadline=time.monotonic() + PATIENCE_SECONDS, abandoned=never_abandoned)


def give_up_now(turn: WriteTurn) -> bool:
    return turn.take(deadline=time.monotonic(), abandoned=never_abandoned)


def taking_on_a_thread(take: Callable[[], bool]) -> tuple[threading.Thread, list[bool]]:
    """``take`` on a thread of its own, as another process's writer waiting in line; returns once the
    thread runs, with the list its outcome lands in."""
    outcome: list[bool] = []
    running = threading.Event()

    def run() -> None:
        running.set()
        outcome.append(take())

    thread = threading.Thread(target=run)
    thread.start()
    running.wait()
    return thread, outcome


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "turn.db"


@pytest.fixture
def turns(database: Path) -> Iterator[list[WriteTurn]]:
    made = [WriteTurn(database) for _ in range(3)]
    yield made
    for turn in made:
        turn.close()


def test_a_held_turn_is_refused_to_another_until_given_back(turns: list[WriteTurn]) -> None:
    first, second, _ = turns
    assert take_soon(first)
    assert not give_up_now(second)
    first.give_back()
    assert give_up_now(second)  # free now: taken without waiting
    second.give_back()


def test_a_writer_waiting_in_line_gets_the_turn_when_it_is_given_back(turns: list[WriteTurn]) -> None:
    first, second, third = turns
    assert take_soon(first)
    waiter, outcome = taking_on_a_thread(lambda: take_soon(second))
    first.give_back()
    waiter.join(PATIENCE_SECONDS)
    assert outcome == [True]
    assert not give_up_now(third)  # the waiter holds it now
    second.give_back()
    assert take_soon(third)
    third.give_back()


def test_a_writer_that_gave_up_leaves_the_turn_free_once_its_ticket_comes_up(turns: list[WriteTurn]) -> None:
    first, second, third = turns
    assert take_soon(first)
    assert not second.take(deadline=time.monotonic() + 0.05, abandoned=never_abandoned)
    first.give_back()
    # The second's waiter takes the lock for its withdrawn ticket and must close it at once, or this waits
    # out its whole deadline and fails.
    assert take_soon(third)
    third.give_back()
    assert take_soon(first)
    first.give_back()


def test_a_writer_whose_callers_left_stops_waiting(turns: list[WriteTurn]) -> None:
    first, second, _ = turns
    assert take_soon(first)
    gone = threading.Event()
    waiter, outcome = taking_on_a_thread(
        lambda: second.take(deadline=time.monotonic() + 3600, abandoned=gone.is_set)  # only leaving ends it
    )
    gone.set()
    waiter.join(PATIENCE_SECONDS)
    assert outcome == [False]
    first.give_back()


def test_the_turn_of_a_process_that_died_holding_it_is_free(turns: list[WriteTurn]) -> None:
    first = turns[0]
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import fcntl, os, sys\n"
            f"fd = os.open({str(first.path)!r}, os.O_RDWR | os.O_CREAT)\n"
            "fcntl.flock(fd, fcntl.LOCK_EX)\n"
            "print('held', flush=True)\n"
            "sys.stdin.read()\n",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        assert not give_up_now(first)
        holder.kill()
        assert take_soon(first)
        first.give_back()
    finally:
        holder.kill()
        holder.wait()
        for stream in (holder.stdin, holder.stdout):
            if stream is not None:
                stream.close()


def test_a_turn_whose_file_cannot_be_opened_lets_writes_go_under_sqlites_lock(database: Path) -> None:
    turn = WriteTurn(database)
    turn.path.mkdir()  # a directory where the turn's file belongs: it cannot be opened for writing
    try:
        assert give_up_now(turn)
        turn.give_back()
    finally:
        turn.close()


async def create_table(writer: Statements) -> None:
    await writer.execute_fetchall("CREATE TABLE rows (name TEXT PRIMARY KEY)")


@pytest.fixture
async def store(database: Path) -> AsyncIterator[SqliteConnections]:
    created = SqliteConnections(database, busy_timeout_ms=200)
    await created.write(create_table)
    yield created
    await created.close()


async def insert(store: SqliteConnections, name: str) -> None:
    async def body(writer: Statements) -> None:
        await writer.execute_fetchall("INSERT INTO rows (name) VALUES (?)", (name,))

    await store.write(body)


async def names(store: SqliteConnections) -> set[str]:
    rows = await store.read(lambda reader: reader.execute_fetchall("SELECT name FROM rows"))
    return {row[0] for row in rows}


async def test_a_store_waits_for_another_process_turn_even_with_sqlites_lock_free(
    store: SqliteConnections, database: Path
) -> None:
    other_process = WriteTurn(database)
    try:
        assert take_soon(other_process)
        with pytest.raises(StoreUnavailable, match="locked"):
            await insert(store, "while-held")  # the busy timeout (200 ms) runs out in line
        other_process.give_back()
        await insert(store, "after")
        assert await names(store) == {"after"}
    finally:
        other_process.close()


async def test_a_write_cancelled_while_waiting_for_the_turn_writes_nothing_and_frees_the_line(
    database: Path,
) -> None:
    patient = SqliteConnections(database, busy_timeout_ms=60_000)
    other_process = WriteTurn(database)
    try:
        await patient.write(create_table)
        await insert(patient, "before")
        assert take_soon(other_process)
        waiting = asyncio.create_task(insert(patient, "cancelled"))
        await asyncio.sleep(0)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        other_process.give_back()
        await insert(patient, "after")
        assert await names(patient) == {"before", "after"}
    finally:
        other_process.close()
        await patient.close()
