"""uvicorn's httptools protocol, bounded against hostile connections.

uvicorn bounds neither the size of a request's header block (httptools buffers all of it) nor the time
a client may take to send it: a connection that never sends a byte never even starts uvicorn's
keep-alive timer. Thousands of silent connections then hold file descriptors and memory until their
clients close them, and new clients wait behind them. ``ConnectionGuardedProtocol`` adds, per
connection:

- a header timer, armed when the connection opens and when a request's first byte arrives, cancelled
  once that request's headers are complete: a client that has not sent a whole header block within
  ``header_timeout`` is disconnected (an idle keep-alive connection is closed by uvicorn's own
  ``timeout_keep_alive``);
- a header size bound: a header block (request line included) larger than ``max_header_bytes`` gets
  431 and the connection is closed, before more than one read beyond the bound is buffered;
- a connection bound: when a new connection would exceed ``max_connections``, the oldest connection
  with no request in flight (silent, sending headers, or idle between requests) is closed to make room;
  only when every connection is serving a request is the new one refused. A slow-client flood thus
  evicts itself and cannot starve clients that send a request at once.

The limits travel on ``GuardedConfig`` (a ``uvicorn.Config``), which uvicorn passes to every protocol it
builds and pickles into ``--workers`` child processes.
"""

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.server import ServerState

PROTOCOL_PATH = "app.cli.guarded_http:ConnectionGuardedProtocol"

_HEADERS_TOO_LARGE = b"Request header fields too large"


@dataclass(frozen=True)
class ConnectionLimits:
    header_timeout_seconds: float
    max_header_bytes: int
    max_connections: int


class GuardedConfig(uvicorn.Config):
    def __init__(self, app: Any, *, connection_limits: ConnectionLimits, **options: Any) -> None:
        super().__init__(app, http=PROTOCOL_PATH, **options)
        self.connection_limits = connection_limits


class ConnectionGuardedProtocol(HttpToolsProtocol):
    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if not isinstance(config, GuardedConfig):
            raise TypeError(f"{type(self).__name__} needs a GuardedConfig, got {type(config).__name__}")
        self._limits = config.connection_limits
        self._opened_at = time.monotonic()
        self._awaiting_headers = True
        self._header_bytes = 0
        self._header_timer: asyncio.TimerHandle | None = None

    @property
    def has_request_in_flight(self) -> bool:
        return self.cycle is not None and not self.cycle.response_complete

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()
        self._make_room()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_header_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._awaiting_headers or self.transport.is_closing():
            return
        # Counted after parsing, so the bytes of a chunk that completed a header block are not counted.
        self._header_bytes += len(data)
        if self._header_bytes > self._limits.max_header_bytes:
            self._refuse_oversized_headers()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._awaiting_headers = True
        self._header_bytes = 0
        self._arm_header_timer()

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._cancel_header_timer()
        super().on_headers_complete()

    def _arm_header_timer(self) -> None:
        if self._header_timer is None:
            self._header_timer = self.loop.call_later(
                self._limits.header_timeout_seconds, self._on_header_timeout
            )

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _on_header_timeout(self) -> None:
        self._header_timer = None
        if self._awaiting_headers and not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> None:
        if len(self.connections) <= self._limits.max_connections:
            return
        evictable = [
            connection
            for connection in self.connections
            if connection is not self
            and isinstance(connection, ConnectionGuardedProtocol)
            and not connection.has_request_in_flight
        ]
        victim = min(evictable, key=lambda connection: connection._opened_at, default=self)
        victim.transport.close()

    def _refuse_oversized_headers(self) -> None:
        self._cancel_header_timer()
        self.logger.warning("Request header block over %d bytes refused", self._limits.max_header_bytes)
        self.transport.write(
            b"HTTP/1.1 431 Request Header Fields Too Large\r\n"
            b"content-type: text/plain; charset=utf-8\r\n"
            b"content-length: " + str(len(_HEADERS_TOO_LARGE)).encode("ascii") + b"\r\n"
            b"connection: close\r\n\r\n" + _HEADERS_TOO_LARGE
        )
        self.transport.close()
