"""The soak's ``tasques serve`` processes: N slots on fixed loopback ports, one store.

A killed server is restarted on the same port, so workers keep one list of addresses for the whole
run. A restart that loses its port to someone else in between (rare: the port was free a moment ago)
is retried after a pause.
"""

import asyncio
import shutil
import socket
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.soak.processes import ChildProcess, terminate_all

LOOPBACK = "127.0.0.1"
# Generous: on a busy two-core machine four servers importing at once take tens of seconds.
READY_TIMEOUT_SECONDS = 120.0
PORT_RETRIES = 5


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def tasques_command() -> list[str]:
    beside_interpreter = Path(sys.executable).with_name("tasques")
    found = str(beside_interpreter) if beside_interpreter.exists() else shutil.which("tasques")
    if found is None:
        raise RuntimeError("the `tasques` console script is not installed: run `make install`")
    return [found]


class ServerStartFailed(Exception):
    pass


@dataclass(eq=False)
class ServerSlot:
    child: ChildProcess
    port: int

    @property
    def name(self) -> str:
        return self.child.name

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def launch(self) -> None:
        self.child.launch([*tasques_command(), "serve", "--host", LOOPBACK, "--port", str(self.port)])


@dataclass
class ServerFleet:
    directory: Path
    environment: Mapping[str, str]
    count: int
    slots: list[ServerSlot] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.slots = [
            ServerSlot(ChildProcess(f"server-{number}", self.directory, self.environment), free_port())
            for number in range(1, self.count + 1)
        ]

    @property
    def base_urls(self) -> list[str]:
        return [slot.base_url for slot in self.slots]

    @property
    def live(self) -> list[ServerSlot]:
        return [slot for slot in self.slots if slot.child.alive]

    async def start_all(self) -> None:
        for slot in self.slots:
            slot.launch()
        await asyncio.gather(*(self._until_ready(slot) for slot in self.slots))

    async def restart(self, slot: ServerSlot) -> None:
        slot.launch()
        await self._until_ready(slot)

    async def _until_ready(self, slot: ServerSlot) -> None:
        for attempt in range(1, PORT_RETRIES + 1):
            try:
                await _wait_until_ready(slot)
                return
            except ServerStartFailed:
                if "address already in use" not in slot.child.log_tail().lower() or attempt == PORT_RETRIES:
                    raise
                await asyncio.sleep(1.0)
                slot.launch()

    def stop_all(self) -> list[str]:
        """SIGTERM every live server; the names of those that had to be killed."""
        return terminate_all([slot.child for slot in self.slots])

    async def leader(self) -> ServerSlot | None:
        """The live server that reports itself leader (the first, if several briefly do)."""
        async with httpx.AsyncClient(timeout=5.0) as client:
            for slot in self.live:
                try:
                    status = (await client.get(f"{slot.base_url}/leader")).json()
                except (httpx.HTTPError, ValueError):
                    continue
                if status.get("role") == "leader":
                    return slot
        return None


async def _wait_until_ready(slot: ServerSlot) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    async with httpx.AsyncClient(base_url=slot.base_url, timeout=2.0) as client:
        while time.monotonic() < deadline:
            if not slot.child.alive:
                raise ServerStartFailed(f"{slot.name} exited before it was ready:\n{slot.child.log_tail()}")
            try:
                if (await client.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise ServerStartFailed(
        f"{slot.name} not ready within {READY_TIMEOUT_SECONDS:g}s:\n{slot.child.log_tail()}"
    )
