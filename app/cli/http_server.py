"""The HTTP server ``tasques serve`` runs: uvicorn's, told to stop claiming as its shutdown begins.

uvicorn's graceful shutdown stops accepting connections, asks open ones to close after their current
response, drains the requests in flight (up to ``timeout_graceful_shutdown``) and only then runs the
app's lifespan shutdown. ASGI has no "shutdown began" event, so a long-poll would go on claiming tasks
through the whole drain and then be cut off holding them. ``ClaimStoppingServer`` overrides
``Server.shutdown`` (uvicorn's public server API) to call ``shutdown_began`` right after uvicorn has
closed its listeners and marked its connections to close: the long-polls then answer with what they
hold, each on a connection that closes after that answer, so a worker's next request is refused
before it is sent and can safely go to another server.

``--workers`` > 1 runs uvicorn's own supervisor, which builds plain servers in its child processes: there
the long-polls stop when the lifespan stops, after the drain (their claims are handed back if cut off).
"""

import asyncio
import socket
from collections.abc import Callable

import uvicorn


class ClaimStoppingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, *, shutdown_began: Callable[[], None]) -> None:
        super().__init__(config)
        self._shutdown_began = shutdown_began

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        # uvicorn closes its listeners and marks its connections before its first await, so a callback
        # scheduled now runs just after that, and before the drain.
        asyncio.get_running_loop().call_soon(self._shutdown_began)
        await super().shutdown(sockets)
