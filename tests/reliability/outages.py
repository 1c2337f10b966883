"""Making a running server's store unreachable, per backend, and bringing it back.

SQLite: the file cannot be taken away from a running server. Its connections hold open descriptors, so
renaming or moving the database directory (and replacing it with a file) leaves them reading and
writing the moved file; tried, every write still succeeded. Running as root, chmod changes nothing
either. What does stop a running server is the database's lock: ``SqliteLockHeld`` opens its own
connection and holds ``BEGIN EXCLUSIVE``, as a stuck writer, a backup tool or a crashed process on a
network filesystem would. Every write then waits out the busy timeout and fails with "database is
locked". Reads keep working, as WAL mode promises, so a claim with nothing claimable still answers [].

Elasticsearch: every server reaches the store through its own loopback TCP proxy (``stores``);
``ProxiesCut`` cuts them all, so new connections are refused and open ones reset: requests in flight
fail and some writes land without their answer, the ambiguous case a real network failure produces.
"""

import asyncio
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from tests.reliability.tcp_proxy import TcpProxy


class Outage(Protocol):
    async def begin(self) -> None: ...

    async def end(self) -> None: ...


@dataclass
class SqliteLockHeld:
    path: Path
    _holder: sqlite3.Connection | None = None

    async def begin(self) -> None:
        holder = sqlite3.connect(self.path, timeout=10.0, isolation_level=None, check_same_thread=False)
        await asyncio.to_thread(holder.execute, "BEGIN EXCLUSIVE")
        self._holder = holder

    async def end(self) -> None:
        holder, self._holder = self._holder, None
        if holder is not None:
            await asyncio.to_thread(holder.execute, "ROLLBACK")
            holder.close()


@dataclass
class ProxiesCut:
    proxies: list[TcpProxy]

    async def begin(self) -> None:
        for proxy in self.proxies:
            await proxy.cut()

    async def end(self) -> None:
        for proxy in self.proxies:
            await proxy.restore()
