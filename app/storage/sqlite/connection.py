"""Connections and transactions: one writer (IMMEDIATE transactions under a lock) and one reader."""

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from app.domain.errors import StoreUnavailable

# Errors that mean "the store cannot be used right now" (locked, unwritable, missing directory, disk full)
# rather than a bug in a statement.
_UNAVAILABLE_ERRORS = (sqlite3.OperationalError, sqlite3.DatabaseError)


@asynccontextmanager
async def translated_errors() -> AsyncIterator[None]:
    try:
        yield
    except sqlite3.IntegrityError:
        raise
    except _UNAVAILABLE_ERRORS as error:
        raise StoreUnavailable(f"sqlite: {error}") from error
    except ValueError as error:
        # aiosqlite raises ValueError once its connection is closed; any other ValueError is a bug.
        if "closed" not in str(error) and "no active connection" not in str(error):
            raise
        raise StoreUnavailable(f"sqlite: {error}") from error


async def _abandon(writer: aiosqlite.Connection) -> None:
    """Roll back whatever a failed or cancelled transaction left open.

    A cancelled await does not stop the statement already queued on aiosqlite's worker thread (a BEGIN
    may still run after the cancellation), so first let the queue drain with a no-op, then look.
    """
    await writer.execute_fetchall("SELECT 1")
    if writer.in_transaction:
        await writer.execute_fetchall("ROLLBACK")


class SqliteConnections:
    def __init__(self, path: Path, *, busy_timeout_ms: int) -> None:
        self._path = path
        self._busy_timeout_ms = busy_timeout_ms
        self._writer: aiosqlite.Connection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()
        self._open_lock = asyncio.Lock()

    async def _open(self) -> tuple[aiosqlite.Connection, aiosqlite.Connection]:
        async with self._open_lock:
            if self._writer is None or self._reader is None:
                async with translated_errors():
                    writer = await self._connect()
                    await writer.execute_fetchall("PRAGMA journal_mode=WAL")
                    self._writer, self._reader = writer, await self._connect()
            return self._writer, self._reader

    async def _connect(self) -> aiosqlite.Connection:
        if not self._path.parent.is_dir():
            # Checked up front: aiosqlite's failed-connect path leaves a worker-thread callback racing
            # the event loop's shutdown.
            raise StoreUnavailable(f"sqlite: directory {self._path.parent} does not exist")
        connection = await aiosqlite.connect(self._path, isolation_level=None)
        # Pragmas through execute_fetchall: an unfinalised pragma cursor keeps a lock open.
        for pragma in (f"busy_timeout={self._busy_timeout_ms}", "synchronous=NORMAL", "foreign_keys=ON"):
            await connection.execute_fetchall(f"PRAGMA {pragma}")
        return connection

    @asynccontextmanager
    async def write_transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        writer, _ = await self._open()
        async with self._write_lock, translated_errors():
            try:
                await writer.execute_fetchall("BEGIN IMMEDIATE")
                yield writer
                await writer.execute_fetchall("COMMIT")
            except BaseException:
                await asyncio.shield(_abandon(writer))
                raise

    @asynccontextmanager
    async def reader(self) -> AsyncIterator[aiosqlite.Connection]:
        _, reader = await self._open()
        async with translated_errors():
            yield reader

    async def close(self) -> None:
        async with self._open_lock:
            for connection in (self._writer, self._reader):
                if connection is not None:
                    await connection.close()
            self._writer = self._reader = None
