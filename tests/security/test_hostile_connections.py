"""Finding 6: hostile connections against a real ``tasques serve`` process on loopback.

The server runs with small bounds (header timeout 1 s, 200 connections) so each scenario is bounded in
counts and time: silent connections beyond the connection bound do not keep ``/healthz`` from answering,
silent and half-sent header blocks are cut off after the header timeout, an idle keep-alive connection
is closed, and an oversized header block gets 431 while the server's memory stays bounded.
"""

import select
import socket
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.acceptance.conftest import LOOPBACK, StartTasquesServers, TasquesServer

pytestmark = pytest.mark.acceptance

HEADER_TIMEOUT_SECONDS = 1.0
KEEP_ALIVE_SECONDS = 1
MAX_CONNECTIONS = 200
MAX_HEADER_BYTES = 16 * 1024
SETTINGS = {
    "TASQUES_SERVER__HEADER_TIMEOUT": f"{HEADER_TIMEOUT_SECONDS:g}s",
    "TASQUES_SERVER__KEEP_ALIVE_TIMEOUT": f"{KEEP_ALIVE_SECONDS}s",
    "TASQUES_SERVER__MAX_CONNECTIONS": str(MAX_CONNECTIONS),
    "TASQUES_SERVER__MAX_HEADER_BYTES": str(MAX_HEADER_BYTES),
}
# Generous: the bounds under test are about a second; a shared CI machine may be slow.
DEADLINE_SECONDS = 10.0
SILENT_FLOOD = 300


@pytest.fixture(scope="module")
def server(start_module_tasques_servers: StartTasquesServers) -> TasquesServer:
    return start_module_tasques_servers(1, settings=SETTINGS)[0]


def _connect(server: TasquesServer) -> socket.socket:
    return socket.create_connection((LOOPBACK, server.port), timeout=DEADLINE_SECONDS)


@pytest.fixture
def silent_connections(server: TasquesServer) -> Iterator[list[socket.socket]]:
    connections: list[socket.socket] = []
    try:
        yield connections
    finally:
        for connection in connections:
            connection.close()


def _closed_by_server(connection: socket.socket, *, deadline: float) -> bool:
    """Wait (on the socket, not a sleep) until the server closes it or the deadline passes."""
    while (remaining := deadline - time.monotonic()) > 0:
        readable, _, _ = select.select([connection], [], [], remaining)
        if readable:
            try:
                if connection.recv(65536) == b"":
                    return True
            except ConnectionResetError:
                return True
    return False


def _rss_bytes(server: TasquesServer) -> int:
    with open(f"/proc/{server.process.pid}/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def test_healthz_answers_while_more_silent_connections_than_the_bound_are_open(
    server: TasquesServer, silent_connections: list[socket.socket]
) -> None:
    silent_connections.extend(_connect(server) for _ in range(SILENT_FLOOD))
    response = httpx.get(f"{server.base_url}/healthz", timeout=DEADLINE_SECONDS)
    assert response.status_code == 200
    # The flood evicted its own oldest members rather than a client that sent its request.
    deadline = time.monotonic() + DEADLINE_SECONDS
    assert _closed_by_server(silent_connections[0], deadline=deadline)


def test_silent_and_half_sent_header_blocks_are_cut_off_after_the_header_timeout(
    server: TasquesServer, silent_connections: list[socket.socket]
) -> None:
    silent_connections.extend(_connect(server) for _ in range(20))
    half_sent = _connect(server)
    silent_connections.append(half_sent)
    half_sent.sendall(b"GET /healthz HTTP/1.1\r\nHost: tasques\r\nX-Slow: ")
    deadline = time.monotonic() + DEADLINE_SECONDS
    still_open = [c for c in silent_connections if not _closed_by_server(c, deadline=deadline)]
    assert still_open == []


def test_an_idle_keep_alive_connection_is_closed(server: TasquesServer) -> None:
    with _connect(server) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: tasques\r\n\r\n")
        answer = connection.recv(65536)
        assert answer.startswith(b"HTTP/1.1 200")
        assert _closed_by_server(connection, deadline=time.monotonic() + DEADLINE_SECONDS)


def test_an_oversized_header_block_gets_431(server: TasquesServer) -> None:
    with _connect(server) as connection:
        padding = b"x" * 1000
        headers = b"".join(b"X-Pad-%d: %s\r\n" % (n, padding) for n in range(2 * MAX_HEADER_BYTES // 1000))
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: tasques\r\n" + headers)
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert answer.endswith(b"Request header fields too large")


def test_a_client_streaming_endless_headers_is_cut_off_and_memory_stays_bounded(
    server: TasquesServer,
) -> None:
    rss_before = _rss_bytes(server)
    line = b"X-Pad: " + b"x" * 8000 + b"\r\n"
    sent = 0
    with _connect(server) as connection:
        connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: tasques\r\n")
        try:
            while sent < 50 * 1024 * 1024:
                connection.sendall(line)
                sent += len(line)
        except (BrokenPipeError, ConnectionResetError):
            pass
    # Cut off after about the header bound plus what the kernel's socket buffers held in flight.
    assert sent < 16 * 1024 * 1024
    assert _rss_bytes(server) - rss_before < 16 * 1024 * 1024
