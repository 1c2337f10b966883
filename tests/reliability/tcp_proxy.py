"""A loopback TCP proxy a test can cut: the network between a server and its Elasticsearch store.

``cut()`` closes the listening socket and resets every open connection, so the store is unreachable at
once (new connections are refused, requests in flight fail); ``stall()`` keeps accepting connections
but forwards nothing, so requests hang until the client's own timeout, as in a partition that drops
packets; ``restore()`` undoes either, on the same port. Bytes held back while stalled are dropped
with their connections when the link is restored, never delivered late. It runs on the event loop of
whoever starts it.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

LOOPBACK = "127.0.0.1"
CHUNK_BYTES = 64 * 1024


class LinkState(StrEnum):
    UP = "up"
    CUT = "cut"
    STALLED = "stalled"


@dataclass(eq=False)
class _Connection:
    downstream: asyncio.StreamWriter
    upstream: asyncio.StreamWriter | None = None

    def abort(self) -> None:
        for writer in (self.downstream, self.upstream):
            if writer is not None:
                writer.transport.abort()


@dataclass
class TcpProxy:
    upstream_host: str
    upstream_port: int
    port: int = 0
    state: LinkState = LinkState.CUT
    connections_accepted: int = 0
    _server: asyncio.Server | None = None
    _connections: set[_Connection] = field(default_factory=set)
    _flowing: asyncio.Event = field(default_factory=asyncio.Event)
    # Connection handlers and their pumps, cancelled by ``close``.
    _pumps: set["asyncio.Task[Any]"] = field(default_factory=set)

    @property
    def url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    async def restore(self) -> None:
        """Listen (again, on the same port) and forward; connections that saw a stall are reset."""
        if self.state is LinkState.STALLED:
            self._reset_connections()
        if self._server is None:
            self._server = await asyncio.start_server(self._accept, LOOPBACK, self.port)
            self.port = self._server.sockets[0].getsockname()[1]
        self.state = LinkState.UP
        self._flowing.set()

    async def cut(self) -> None:
        """Refuse new connections and reset the open ones."""
        self.state = LinkState.CUT
        self._flowing.clear()
        if self._server is not None:
            self._server.close()
            self._reset_connections()
            await self._server.wait_closed()
            self._server = None
        self._reset_connections()

    def stall(self) -> None:
        """Accept and hold connections, but forward no byte in either direction."""
        self.state = LinkState.STALLED
        self._flowing.clear()

    async def close(self) -> None:
        await self.cut()
        for pump in list(self._pumps):
            pump.cancel()
        await asyncio.gather(*self._pumps, return_exceptions=True)

    def _reset_connections(self) -> None:
        for connection in list(self._connections):
            connection.abort()
        self._connections.clear()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        connection = _Connection(writer)
        self._connections.add(connection)
        self.connections_accepted += 1
        handler = asyncio.current_task()
        assert handler is not None
        self._pumps.add(handler)
        try:
            await self._flowing.wait()
            upstream_reader, connection.upstream = await asyncio.open_connection(
                self.upstream_host, self.upstream_port
            )
            pumps = [
                asyncio.create_task(self._pump(reader, connection.upstream)),
                asyncio.create_task(self._pump(upstream_reader, writer)),
            ]
            self._pumps.update(pumps)
            try:
                await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
            finally:
                for pump in pumps:
                    pump.cancel()
                await asyncio.gather(*pumps, return_exceptions=True)
                self._pumps.difference_update(pumps)
        except OSError:
            pass  # upstream refused, or a reset mid-connect: the client sees its connection drop
        except asyncio.CancelledError:
            # ``close``: end quietly, since asyncio's stream callback treats a cancelled handler as an error.
            pass
        finally:
            self._connections.discard(connection)
            self._pumps.discard(handler)
            connection.abort()

    async def _pump(self, source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while True:
                await self._flowing.wait()
                chunk = await source.read(CHUNK_BYTES)
                if not chunk:
                    return
                # A stall that began while this read was pending holds the bytes back (dropped later).
                await self._flowing.wait()
                sink.write(chunk)
                await sink.drain()


@asynccontextmanager
async def tcp_proxy(upstream_url: str) -> AsyncIterator[TcpProxy]:
    """A proxy to ``upstream_url``'s host and port, forwarding until the block exits."""
    parts = urlsplit(upstream_url)
    if parts.hostname is None or parts.port is None:
        raise ValueError(f"{upstream_url} names no host and port")
    proxy = TcpProxy(parts.hostname, parts.port)
    await proxy.restore()
    try:
        yield proxy
    finally:
        await proxy.close()
