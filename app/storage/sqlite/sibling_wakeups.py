"""Wake-ups between the server processes on one SQLite file (``tasques serve --workers N``, or servers
sharing a local disk).

A claimer blocked on one process learns of a task enqueued through it at once (``ArrivalBoard``), but
of one enqueued through a sibling process only at its next store re-check (``claim_recheck_interval``,
200 ms). On SQLite a committed task is visible to every process at once, so the re-check can come at
once too: each process binds a Unix datagram socket in a folder beside the database
(``tasques.db-wake/``) and, after tasks arrive through it, sends the names of their queues to every
other socket there, at most once per turn of the event loop. A process that receives names wakes its
claimers blocked on those queues, which then claim from the store as usual: a datagram only ever
causes a re-check, so a lost, late or forged one changes nothing but timing. Sockets left behind by a
process that died are removed by the first sender that finds them refusing.

Where the folder cannot be made or the socket's path is longer than Unix sockets allow (108 bytes),
the process goes without, and its claimers wait for their re-check as before.
"""

import asyncio
import contextlib
import logging
import os
import secrets
import socket
import time
from collections.abc import Callable, Iterable
from pathlib import Path

_log = logging.getLogger(__name__)

ANY_QUEUE = b"*"
"""Sent instead of the names when they would not fit one datagram; ``*`` is never in a queue name."""
_MAX_DATAGRAM = 4096
_MAX_SOCKET_PATH = 107  # sun_path holds 108 bytes with its terminating NUL
_LIST_EVERY_SECONDS = 1.0
"""How often the siblings' sockets are listed again: a process started since is reached within this."""

Wake = Callable[[frozenset[str] | None], None]
"""Called with the queues that got tasks, or None for any queue."""


class SiblingWakeups:
    def __init__(self, database: Path) -> None:
        self.directory = database.with_name(f"{database.name}-wake")
        self._socket: socket.socket | None = None
        self._path: Path | None = None
        self._siblings: list[str] = []
        self._listed_at = -_LIST_EVERY_SECONDS
        self._pending: set[str] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def address(self) -> Path | None:
        """This process's socket, while it listens."""
        return self._path if self._socket is not None else None

    def start(self, wake: Wake) -> bool:
        """Bind this process's socket and hand what arrives to ``wake``; False if it cannot."""
        path = self.directory / f"{os.getpid():x}-{secrets.token_hex(4)}"
        if len(os.fsencode(path)) > _MAX_SOCKET_PATH:
            _log.warning("no wake-ups between processes: the socket path %s is too long", path)
            return False
        receiver = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        try:
            self.directory.mkdir(mode=0o700, exist_ok=True)
            receiver.setblocking(False)
            receiver.bind(os.fspath(path))
        except OSError as error:
            receiver.close()
            _log.warning("no wake-ups between processes: %s", error)
            return False
        self._loop = asyncio.get_running_loop()
        self._socket, self._path = receiver, path
        self._loop.add_reader(receiver.fileno(), self._receive, wake)
        return True

    def announce(self, queues: Iterable[str]) -> None:
        """Tell the siblings that these queues got tasks (on the event loop's thread)."""
        if self._socket is None or self._loop is None:
            return
        first = not self._pending
        self._pending.update(queues)
        if first and self._pending:
            self._loop.call_soon(self._send_pending)

    def close(self) -> None:
        receiver, self._socket = self._socket, None
        if receiver is None:
            return
        if self._loop is not None and not self._loop.is_closed():
            self._loop.remove_reader(receiver.fileno())
        receiver.close()
        if self._path is not None:
            with contextlib.suppress(OSError):
                self._path.unlink()

    def _send_pending(self) -> None:
        payload = "\n".join(sorted(self._pending)).encode()
        self._pending.clear()
        if self._socket is None:
            return
        if len(payload) > _MAX_DATAGRAM:
            payload = ANY_QUEUE
        for sibling in self._current_siblings():
            try:
                self._socket.sendto(payload, sibling)
            except ConnectionRefusedError:  # nobody reads it any more: its process died
                with contextlib.suppress(OSError):
                    os.unlink(sibling)
                self._listed_at = -_LIST_EVERY_SECONDS
            except FileNotFoundError:
                self._listed_at = -_LIST_EVERY_SECONDS
            except OSError:  # a full receive buffer (that process is busy and re-checks anyway), or gone
                pass

    def _current_siblings(self) -> list[str]:
        now = time.monotonic()
        if now - self._listed_at >= _LIST_EVERY_SECONDS:
            self._listed_at = now
            own = os.fspath(self._path) if self._path else None
            try:
                with os.scandir(self.directory) as entries:
                    self._siblings = [entry.path for entry in entries if entry.path != own]
            except OSError:
                self._siblings = []
        return self._siblings

    def _receive(self, wake: Wake) -> None:
        if self._socket is None:
            return
        woken: set[str] = set()
        everything = False
        while True:
            try:
                payload = self._socket.recv(_MAX_DATAGRAM + 1)
            except OSError:  # drained (BlockingIOError), or the socket failed: wake what was read
                break
            if payload == ANY_QUEUE or len(payload) > _MAX_DATAGRAM:
                everything = True
                continue
            woken.update(name for name in payload.decode(errors="replace").split("\n") if name)
        if everything:
            wake(None)
        elif woken:
            wake(frozenset(woken))
