"""What a transaction body sees: statements that run on the connection's own thread.

SQLite work is a few microseconds per statement; handing each one to a thread and back costs one to two
hundred (the event loop's wake-up dominates). So a body is shipped to the connection's thread whole and
run there in one go: ``DirectStatements`` executes each awaited statement at once, and ``run_to_end``
drives the body's coroutine without an event loop, refusing one that waits on anything else. Bodies stay
``async`` (rather than plain functions) so helpers that take ``Statements`` read the same everywhere and
a body that awaits something else fails loudly (``BodySuspended``) instead of blocking the thread.
"""

import sqlite3
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable, Sequence
from types import TracebackType
from typing import Any, Protocol, TypeVar

Parameters = Sequence[Any] | dict[str, Any]
Row = tuple[Any, ...]
T = TypeVar("T")


class Outcome(Protocol):
    """The part of a cursor bodies use once a statement has run."""

    @property
    def rowcount(self) -> int: ...


class StatementCall(Protocol):
    """``await statements.execute(...)`` or ``async with statements.execute(...) as outcome``."""

    def __await__(self) -> Generator[Any, None, Outcome]: ...

    async def __aenter__(self) -> Outcome: ...

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...


class Statements(Protocol):
    async def execute_fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]: ...

    def execute(self, sql: str, parameters: Parameters = ()) -> StatementCall: ...

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> Outcome: ...


class _Ran:
    def __init__(self, rowcount: int) -> None:
        self.rowcount = rowcount


class _Call:
    """A statement already run or about to run, awaitable or usable as an async context manager."""

    def __init__(self, run: Callable[[], Awaitable[Outcome]]) -> None:
        self._run = run

    def __await__(self) -> Generator[Any, None, Outcome]:
        return self._run().__await__()

    async def __aenter__(self) -> Outcome:
        return await self._run()

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None


def execute_fetchall(connection: sqlite3.Connection, sql: str, parameters: Parameters) -> list[Row]:
    cursor = connection.execute(sql, parameters)
    try:
        return cursor.fetchall()
    finally:
        cursor.close()


def execute(connection: sqlite3.Connection, sql: str, parameters: Parameters) -> Outcome:
    cursor = connection.execute(sql, parameters)
    try:
        cursor.fetchall()  # finish the statement so it holds no lock
        return _Ran(cursor.rowcount)
    finally:
        cursor.close()


def executemany(connection: sqlite3.Connection, sql: str, rows: Iterable[Parameters]) -> Outcome:
    cursor = connection.executemany(sql, rows)
    try:
        return _Ran(cursor.rowcount)
    finally:
        cursor.close()


class DirectStatements:
    """Statements on the calling thread, for bodies already running on the connection's thread."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    async def execute_fetchall(self, sql: str, parameters: Parameters = ()) -> list[Row]:
        return execute_fetchall(self._connection, sql, parameters)

    def execute(self, sql: str, parameters: Parameters = ()) -> StatementCall:
        async def run() -> Outcome:
            return execute(self._connection, sql, parameters)

        return _Call(run)

    async def executemany(self, sql: str, rows: Iterable[Parameters]) -> Outcome:
        return executemany(self._connection, sql, list(rows))


async def changed_rows(writer: Statements, sql: str, parameters: Parameters = ()) -> int:
    """Runs one ``UPDATE``/``DELETE`` and says how many rows it changed."""
    return (await writer.execute(sql, parameters)).rowcount


class BodySuspended(RuntimeError):
    """A body shipped to the connection's thread awaited something other than its statements."""


def run_to_end(body: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never suspends (its only awaits are ``DirectStatements``) to its result."""
    try:
        body.send(None)
    except StopIteration as finished:
        result: T = finished.value
        return result
    body.close()
    raise BodySuspended("a SQLite transaction body awaited something other than its statements")
