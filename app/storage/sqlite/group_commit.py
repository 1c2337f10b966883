"""Group commit: the bodies of concurrent write calls share one ``BEGIN IMMEDIATE … COMMIT``.

A transaction's fixed costs (taking SQLite's write lock, the WAL append and sync of ``COMMIT``, the hand-off
to the writer's thread and the event loop's wake-up on the way back, ~100-200 µs each) dwarf a typical
body's few statements. So while one group runs on the writer's thread, new bodies wait in a queue; when
it is answered, everything waiting (up to ``limit`` bodies, so one group stays short) leaves as the next
group in one hand-off, and all its callers are answered by one wake-up of the loop. With one caller at a
time nothing waits for a tick: a lone body goes at once, as before.

Each body runs inside its own ``SAVEPOINT``, so it is still all-or-nothing on its own: a body that raises
is rolled back to its savepoint and its caller gets its own exception while the others commit. Bodies run
in submission order and groups one after the other, so a body submitted after another sees its effects.

Cancellation: a caller that stops waiting sets its body's flag. A body whose flag is seen before its
``RELEASE`` is skipped or rolled back to its savepoint; once released it commits with its group, so
callers that must know what they won (claims) shield the call. The wait for another process's turn
(``write_turn``) and lock runs in short slices and gives up only when every caller of the group has gone.

Failures that are not one body's: if ``BEGIN`` or ``COMMIT`` fails, or a body's error made SQLite roll the
whole transaction back (disk full, I/O error), nothing of the group is committed and every caller whose
body had succeeded gets ``StoreUnavailable``; callers whose body raised keep their own error.
"""

import asyncio
import contextlib
import sqlite3
import time
from collections import deque
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from app.domain.errors import StoreUnavailable
from app.storage.sqlite.statements import DirectStatements, Statements, run_to_end
from app.storage.sqlite.write_turn import WriteTurn

T = TypeVar("T")
Body = Callable[[Statements], Coroutine[Any, Any, T]]
Job = Callable[[sqlite3.Connection], T]


class TransactionAbandoned(Exception):
    """The caller stopped waiting, so its body was skipped or rolled back instead of committed."""


class _TransactionLost(Exception):
    """A body's error made SQLite roll back the whole transaction, not just the body's savepoint."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


@dataclass(slots=True)
class PendingWrite:
    body: Body[Any]
    answer: "asyncio.Future[Any]"
    cancelled: bool = False
    """Set once by the loop when the caller stops waiting, read by the writer's thread. A plain attribute:
    one store of a bool is atomic under the GIL and nothing waits on it, so a ``threading.Event`` (a lock
    and a condition built for every write, ~3 µs) bought nothing."""


@dataclass(frozen=True, slots=True)
class Returned:
    value: Any


@dataclass(frozen=True, slots=True)
class Raised:
    error: BaseException


Outcome = Returned | Raised


@dataclass(frozen=True, slots=True)
class GroupResult:
    outcomes: list[Outcome]
    committed: bool


def _is_busy(error: sqlite3.OperationalError) -> bool:
    return "locked" in str(error) or "busy" in str(error)


def _begin_immediate(
    connection: sqlite3.Connection, *, abandoned: Callable[[], bool], deadline: float
) -> None:
    while True:
        try:
            connection.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if not _is_busy(error) or time.monotonic() >= deadline:
                raise
        if abandoned():
            raise TransactionAbandoned


def _roll_back_if_open(connection: sqlite3.Connection) -> None:
    if connection.in_transaction:
        connection.execute("ROLLBACK")


def _roll_back_to_savepoint(connection: sqlite3.Connection, error: Exception) -> None:
    if not connection.in_transaction:
        raise _TransactionLost(error)
    try:
        connection.execute("ROLLBACK TO body")
        connection.execute("RELEASE body")
    except sqlite3.Error:
        raise _TransactionLost(error) from None


def _run_in_savepoint(connection: sqlite3.Connection, write: PendingWrite) -> Outcome:
    if write.cancelled:
        return Raised(TransactionAbandoned())
    connection.execute("SAVEPOINT body")
    try:
        value = run_to_end(write.body(DirectStatements(connection)))
        if write.cancelled:
            raise TransactionAbandoned
    except Exception as error:
        _roll_back_to_savepoint(connection, error)
        return Raised(error)
    connection.execute("RELEASE body")
    return Returned(value)


def _unavailable(reason: str) -> Raised:
    return Raised(StoreUnavailable(f"sqlite: {reason}"))


def _group_failed(outcomes: Sequence[Outcome], size: int, reason: str) -> GroupResult:
    """Nothing committed: bodies that raised keep their error, every other caller learns why."""
    failed = [outcome if isinstance(outcome, Raised) else _unavailable(reason) for outcome in outcomes]
    return GroupResult([*failed, *(_unavailable(reason) for _ in range(size - len(failed)))], committed=False)


def run_group(
    connection: sqlite3.Connection,
    writes: Sequence[PendingWrite],
    *,
    busy_seconds: float,
    turn: WriteTurn | None,
) -> GroupResult:
    """On the writer's thread: every body of ``writes`` in one transaction, each in its own savepoint,
    taking the processes' write ``turn`` first (``write_turn``; None for a database no other process opens)."""
    deadline = time.monotonic() + busy_seconds

    def abandoned() -> bool:
        return all(write.cancelled for write in writes)

    if turn is not None and not turn.take(deadline=deadline, abandoned=abandoned):
        error = TransactionAbandoned() if abandoned() else sqlite3.OperationalError("database is locked")
        return GroupResult([Raised(error) for _ in writes], committed=False)
    try:
        return _run_group_in_turn(connection, writes, abandoned=abandoned, deadline=deadline)
    finally:
        if turn is not None:
            turn.give_back()


def _run_group_in_turn(
    connection: sqlite3.Connection,
    writes: Sequence[PendingWrite],
    *,
    abandoned: Callable[[], bool],
    deadline: float,
) -> GroupResult:
    try:
        _begin_immediate(connection, abandoned=abandoned, deadline=deadline)
    except Exception as error:
        return GroupResult([Raised(error) for _ in writes], committed=False)
    outcomes: list[Outcome] = []
    try:
        for write in writes:
            outcomes.append(_run_in_savepoint(connection, write))
        connection.execute("COMMIT")
    except _TransactionLost as lost:
        _roll_back_if_open(connection)
        reason = f"the transaction was rolled back by another write's error: {lost.error}"
        return _group_failed([*outcomes, Raised(lost.error)], len(writes), reason)
    except sqlite3.Error as error:
        _roll_back_if_open(connection)
        return _group_failed(outcomes, len(writes), f"the transaction failed: {error}")
    except BaseException:
        _roll_back_if_open(connection)
        raise
    return GroupResult(outcomes, committed=True)


class GroupCommitWriter:
    """The loop's side: queues write calls and sends them to the writer's thread a group at a time."""

    def __init__(
        self,
        submit: Callable[[Job[GroupResult]], "Future[GroupResult]"],
        *,
        busy_seconds: float,
        turn: WriteTurn | None,
        limit: int,
        on_commit: Callable[[], None],
    ) -> None:
        self._submit = submit
        self._busy_seconds = busy_seconds
        self._turn = turn
        self._limit = limit
        self._on_commit = on_commit
        self._waiting: deque[PendingWrite] = deque()
        self._group_running = False

    async def write(self, body: Body[T]) -> T:
        loop = asyncio.get_running_loop()
        write = PendingWrite(body, loop.create_future())
        self._waiting.append(write)
        if not self._group_running:
            self._send_group(loop)
        try:
            result: T = await write.answer
            return result
        except asyncio.CancelledError:
            write.cancelled = True
            raise

    def _send_group(self, loop: asyncio.AbstractEventLoop) -> None:
        group: list[PendingWrite] = []
        while self._waiting and len(group) < self._limit:
            write = self._waiting.popleft()
            if not write.answer.done():  # a caller cancelled before its group left needs no turn
                group.append(write)
        if not group:
            return
        self._group_running = True
        busy_seconds, turn = self._busy_seconds, self._turn

        def job(connection: sqlite3.Connection) -> GroupResult:
            return run_group(connection, group, busy_seconds=busy_seconds, turn=turn)

        try:
            sent = self._submit(job)
        except Exception as error:  # the writer's thread cannot start: the group fails, the queue moves on
            self._answer(loop, group, _failed_before_sending(error))
            return
        sent.add_done_callback(lambda done: _wake(loop, self._answer, loop, group, done))

    def _answer(
        self, loop: asyncio.AbstractEventLoop, group: list[PendingWrite], done: "Future[GroupResult]"
    ) -> None:
        self._group_running = False
        try:
            error = done.exception()
            result = GroupResult([Raised(error) for _ in group], committed=False) if error else done.result()
            for write, outcome in zip(group, result.outcomes, strict=True):
                if write.answer.done():
                    continue  # its caller was cancelled and is not listening
                if isinstance(outcome, Raised):
                    write.answer.set_exception(outcome.error)
                else:
                    write.answer.set_result(outcome.value)
            if result.committed:
                self._on_commit()
        finally:
            if self._waiting and not self._group_running:
                self._send_group(loop)


def _failed_before_sending(error: Exception) -> "Future[GroupResult]":
    failed: Future[GroupResult] = Future()
    failed.set_exception(error)
    return failed


def _wake(loop: asyncio.AbstractEventLoop, callback: Callable[..., None], *arguments: Any) -> None:
    with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is left to answer
        loop.call_soon_threadsafe(callback, *arguments)
