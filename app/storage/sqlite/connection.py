"""Connections: one writer thread and a few reader threads, each owning its ``sqlite3`` connection.

Why threads at all: ``sqlite3`` blocks, and the event loop must not. Why whole bodies: a hand-off to a
thread and the loop's wake-up on the way back cost one to two hundred microseconds, a statement a few, so
a transaction body is shipped to its thread whole (``statements``). ``read(body)`` runs on the least busy
reader (WAL lets readers run beside the writer). ``write(body)`` goes through ``group_commit``: the bodies
of concurrent callers share one ``BEGIN IMMEDIATE`` transaction, one hand-off and one wake-up, each body
in its own savepoint. The single writer thread is what serialises writes in this process; across
processes a turn waited for in the kernel (``write_turn``) orders them and SQLite's lock enforces it,
both waited for in short slices so a group whose callers all left stops waiting.

Checkpoints: SQLite's automatic WAL checkpoint runs inside whichever ``COMMIT`` crosses the threshold,
fsyncs there, and so stalls every write queued behind it (tens of milliseconds on slow disks). The
writer turns it off; a checkpointer thread runs a PASSIVE checkpoint (never waits for readers or
writers) after every ``_CHECKPOINT_EVERY`` committed transactions instead, one at a time.
"""

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from app.domain.errors import StoreUnavailable
from app.storage.sqlite.group_commit import Body, GroupCommitWriter
from app.storage.sqlite.statements import DirectStatements, run_to_end
from app.storage.sqlite.write_turn import WriteTurn

T = TypeVar("T")

# Errors that mean "the store cannot be used right now" (locked, unwritable, missing directory, disk full)
# rather than a bug in a statement.
_UNAVAILABLE_ERRORS = (sqlite3.OperationalError, sqlite3.DatabaseError)
# SQLite's own busy wait cannot be interrupted, so a writer waits for another process's lock in slices
# this long and looks at its cancellation flag between them.
_BUSY_SLICE_MS = 50
_READERS = 2
_CHECKPOINT_EVERY = 64
# Bodies per group: enough to share a commit among every concurrent request of a busy server. Every caller
# of a group is answered when the whole group commits, so the bound keeps a group of one-task bodies (tens
# of microseconds each) within a few milliseconds. Batch bodies gain little from sharing (their commit is
# already spread over their tasks) and a group of them takes as long as running them one after another.
_GROUP_LIMIT = 64


@asynccontextmanager
async def translated_errors() -> AsyncIterator[None]:
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except _UNAVAILABLE_ERRORS as error:
        raise StoreUnavailable(f"sqlite: {error}") from error


class _ConnectionThread:
    """One ``sqlite3`` connection, opened and used only by its own thread."""

    def __init__(self, connect: Callable[[], sqlite3.Connection], name: str) -> None:
        self._connect = connect
        self._name = name
        self._executor: ThreadPoolExecutor | None = None
        self._connection: sqlite3.Connection | None = None
        self.pending = 0

    def _on_thread(self, job: Callable[[sqlite3.Connection], T]) -> T:
        if self._connection is None:
            self._connection = self._connect()
        return job(self._connection)

    def submit(self, job: Callable[[sqlite3.Connection], T]) -> "Future[T]":
        if self._executor is None:  # first use, or reopening after close()
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self._name)
        return self._executor.submit(self._on_thread, job)

    async def call(self, job: Callable[[sqlite3.Connection], T]) -> T:
        self.pending += 1
        try:
            return await asyncio.wrap_future(self.submit(job))
        finally:
            self.pending -= 1

    def _close_on_thread(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.wrap_future(executor.submit(self._close_on_thread))
            executor.shutdown(wait=False)


def _read(body: Body[T]) -> Callable[[sqlite3.Connection], T]:
    """A read body in one transaction, so all its statements see one snapshot: in autocommit each
    statement saw its own, and a task revived from the archive between a body's look at the live table
    and its look at the archive was in neither (a retry racing another server's answered 404)."""

    def job(connection: sqlite3.Connection) -> T:
        connection.execute("BEGIN").close()
        try:
            return run_to_end(body(DirectStatements(connection)))
        finally:
            if connection.in_transaction:
                connection.execute("COMMIT").close()

    return job


def _checkpoint_passively(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()


def _ignore_outcome(future: "Future[Any]") -> None:
    if not future.cancelled():
        future.exception()  # retrieved, so an abandoned job's error is not reported as unhandled


class SqliteConnections:
    def __init__(
        self, path: Path, *, busy_timeout_ms: int, readers: int = _READERS, group_limit: int = _GROUP_LIMIT
    ) -> None:
        self._path = path
        self._busy_seconds = busy_timeout_ms / 1000
        self._busy_timeout_ms = busy_timeout_ms
        self._writer = _ConnectionThread(self._connect_writer, "tasques-sqlite-writer")
        self._readers = [
            _ConnectionThread(self._connect_reader, "tasques-sqlite-reader") for _ in range(readers)
        ]
        self._checkpointer = _ConnectionThread(self._connect_reader, "tasques-sqlite-checkpointer")
        self._commits_since_checkpoint = 0
        self._checkpoint: Future[None] | None = None
        self.transactions_committed = 0
        self._turn = WriteTurn(path)
        self._group_writer = GroupCommitWriter(
            self._writer.submit,
            busy_seconds=self._busy_seconds,
            turn=self._turn,
            limit=group_limit,
            on_commit=self._committed,
        )

    def _committed(self) -> None:
        self.transactions_committed += 1
        self._commits_since_checkpoint += 1
        if self._commits_since_checkpoint < _CHECKPOINT_EVERY:
            return
        if self._checkpoint is not None and not self._checkpoint.done():
            return  # the last one is still copying; the next commit asks again
        self._commits_since_checkpoint = 0
        self._checkpoint = self._checkpointer.submit(_checkpoint_passively)
        self._checkpoint.add_done_callback(_ignore_outcome)

    def _connect(self, busy_timeout_ms: int) -> sqlite3.Connection:
        if not self._path.parent.is_dir():
            raise sqlite3.OperationalError(f"directory {self._path.parent} does not exist")
        connection = sqlite3.connect(self._path, isolation_level=None, cached_statements=256)
        for pragma in (f"busy_timeout={busy_timeout_ms}", "synchronous=NORMAL", "foreign_keys=ON"):
            connection.execute(f"PRAGMA {pragma}").close()
        return connection

    def _connect_writer(self) -> sqlite3.Connection:
        connection = self._connect(min(self._busy_timeout_ms, _BUSY_SLICE_MS))
        connection.execute("PRAGMA journal_mode=WAL").close()
        connection.execute("PRAGMA wal_autocheckpoint=0").close()
        # Each body's savepoint keeps a statement journal to roll back to; held in memory, a batch body's
        # journal never spills to a temporary file.
        connection.execute("PRAGMA temp_store=MEMORY").close()
        return connection

    def _connect_reader(self) -> sqlite3.Connection:
        return self._connect(self._busy_timeout_ms)

    async def write(self, body: Body[T]) -> T:
        """Run ``body`` in the next group's IMMEDIATE transaction, in its own savepoint (``group_commit``)."""
        async with translated_errors():
            return await self._group_writer.write(body)

    def _least_busy_reader(self) -> _ConnectionThread:
        return min(self._readers, key=lambda candidate: candidate.pending)

    async def read(self, body: Body[T]) -> T:
        """Run ``body``'s reads on the least busy reader's thread (one hand-off)."""
        async with translated_errors():
            return await self._least_busy_reader().call(_read(body))

    async def trace_statements(self, callback: Callable[[str], None] | None) -> None:
        """Hand each statement the writer and readers run, values bound, to ``callback`` (query-plan tests)."""

        def install(connection: sqlite3.Connection) -> None:
            connection.set_trace_callback(callback)

        await asyncio.gather(*(thread.call(install) for thread in (self._writer, *self._readers)))

    async def close(self) -> None:
        threads = (self._writer, *self._readers, self._checkpointer)
        await asyncio.gather(*(thread.close() for thread in threads))
        self._turn.close()  # after the writer's thread has run its last group
