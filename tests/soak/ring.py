"""Requests to whichever of the soak's servers answers: the client side of surviving server kills.

A transport error (the server was killed, or is restarting) or a 503 (the store was busy) moves the
request on to the next server after a short pause, honouring ``Retry-After`` up to a cap; any other
answer is returned to the caller. A server that failed to answer is skipped for a moment, so a dead one
costs its share of requests one failed attempt, not one each. Retrying is safe for everything the soak sends: creates carry ids,
finishing writes carry lease tokens, and a claim lost with its server only leaves tasks to time out.
"""

import asyncio
import itertools
import time
from collections.abc import Sequence
from typing import Any

import httpx

HTTP_TIMEOUT_SECONDS = 30.0
TRANSPORT_PAUSE_SECONDS = 0.2
SKIP_FAILED_SERVER_SECONDS = 1.0
RETRY_AFTER_CAP_SECONDS = 1.0
GIVE_UP_SECONDS = 180.0


class ServersUnreachable(Exception):
    pass


class ServerRing:
    def __init__(self, base_urls: Sequence[str], *, start: int = 0, max_connections: int = 100) -> None:
        limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        self._clients = [
            httpx.AsyncClient(base_url=url, timeout=HTTP_TIMEOUT_SECONDS, limits=limits) for url in base_urls
        ]
        self._next = itertools.count(start)
        self._skip_until = [0.0] * len(self._clients)
        self.transport_errors = 0
        self.unavailable = 0

    async def aclose(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self._clients))

    def pick(self) -> int:
        """The next server in turn that is not being skipped (any, if all are)."""
        now = time.monotonic()
        for _ in range(len(self._clients)):
            index = next(self._next) % len(self._clients)
            if self._skip_until[index] <= now:
                return index
        return next(self._next) % len(self._clients)

    async def request(
        self, method: str, path: str, *, give_up_after: float = GIVE_UP_SECONDS, **options: Any
    ) -> httpx.Response:
        deadline = time.monotonic() + give_up_after
        last_problem = "no attempt"
        while time.monotonic() < deadline:
            index = self.pick()
            client = self._clients[index]
            try:
                response = await client.request(method, path, **options)
            except httpx.TransportError as error:
                self.transport_errors += 1
                self._skip_until[index] = time.monotonic() + SKIP_FAILED_SERVER_SECONDS
                last_problem = f"{client.base_url}: {error!r}"
                await asyncio.sleep(TRANSPORT_PAUSE_SECONDS)
                continue
            if response.status_code != 503:
                return response
            self.unavailable += 1
            last_problem = f"{client.base_url}: 503 {response.text[:200]}"
            await asyncio.sleep(min(float(response.headers.get("Retry-After", 1)), RETRY_AFTER_CAP_SECONDS))
        raise ServersUnreachable(
            f"{method} {path}: no server answered for {give_up_after:g}s: {last_problem}"
        )
