"""Tasques servers inside the test process, sharing one store the way replicas do.

Each is the wiring root's components and FastAPI app with its lifespan running (so the leader elector
and the leader-only services run as in ``tasques serve``), reached through an httpx ASGI client. They
stop in reverse order: clients first, then each lifespan's shutdown (resigning the leadership).
"""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from app.components import Components, build_app, build_components
from app.config import Settings

T = TypeVar("T")
JsonObject = dict[str, Any]
POLL_SECONDS = 0.05


@dataclass
class InProcessServer:
    name: str
    components: Components
    client: httpx.AsyncClient

    async def role(self) -> str:
        status: JsonObject = (await self.client.get("/leader")).json()
        return str(status["role"])


@asynccontextmanager
async def in_process_servers(settings: Sequence[Settings]) -> AsyncIterator[list[InProcessServer]]:
    async with AsyncExitStack() as stack:
        servers = []
        for number, server_settings in enumerate(settings, start=1):
            components = build_components(server_settings)
            app = build_app(components)
            await stack.enter_async_context(app.router.lifespan_context(app))
            client = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=f"http://server-{number}")
            )
            servers.append(InProcessServer(f"server-{number}", components, client))
        yield servers


def settings_from(values: Mapping[str, Any]) -> Settings:
    return Settings.model_validate(values)


async def roles(servers: Sequence[InProcessServer]) -> dict[str, str]:
    answers = await asyncio.gather(*(server.role() for server in servers))
    return {server.name: role for server, role in zip(servers, answers, strict=True)}


async def poll_until(what: str, seconds: float, check: Callable[[], Awaitable[tuple[T | None, str]]]) -> T:
    """Call ``check`` until it returns a result; after ``seconds``, fail with what it last observed."""
    deadline = time.monotonic() + seconds
    while True:
        result, observed = await check()
        if result is not None:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what} not within {seconds:g}s; last observed: {observed}")
        await asyncio.sleep(POLL_SECONDS)


async def one_leader(servers: Sequence[InProcessServer], seconds: float) -> str:
    """Wait until exactly one server leads; its name."""

    async def check() -> tuple[str | None, str]:
        seen = await roles(servers)
        leaders = [name for name, role in seen.items() if role == "leader"]
        return (leaders[0] if len(leaders) == 1 else None), str(seen)

    return await poll_until("exactly one leader", seconds, check)


async def settled_leader(servers: Sequence[InProcessServer], seconds: float, *, steady: float = 2.0) -> str:
    """Wait until one server has led, alone, for ``steady`` seconds (startup can make a first leader
    step down when its first renewals are slow); its name."""
    deadline = time.monotonic() + seconds
    while True:
        leader = await one_leader(servers, max(deadline - time.monotonic(), 0.0))
        steady_until = time.monotonic() + steady
        while time.monotonic() < steady_until:
            seen = await roles(servers)
            if [name for name, role in seen.items() if role == "leader"] != [leader]:
                break
            await asyncio.sleep(POLL_SECONDS)
        else:
            return leader
