"""Watching who leads: every live server's ``GET /leader``, a few times a second, for the whole run.

A failover is a change of the server id that the one reporting leader carries. The watch also keeps the
longest stretch with no leader and counts polls where two servers both said they led (after a SIGKILL
the dead leader says nothing, so on one SQLite file that should not happen).
"""

import asyncio
import time
from dataclasses import dataclass, field

import httpx

from tests.soak.servers import ServerFleet

POLL_SECONDS = 0.25


@dataclass
class LeaderWatch:
    servers: ServerFleet
    failovers: int = 0
    overlapping_polls: int = 0
    longest_leaderless_seconds: float = 0.0
    leaders_seen: list[str] = field(default_factory=list)
    _leaderless_since: float | None = None

    async def run(self, stop: asyncio.Event) -> None:
        async with httpx.AsyncClient(timeout=2.0) as client:
            while not stop.is_set():
                self._observe(await self._leaders(client))
                try:
                    await asyncio.wait_for(stop.wait(), POLL_SECONDS)
                except TimeoutError:
                    continue

    async def _leaders(self, client: httpx.AsyncClient) -> set[str]:
        async def status(url: str) -> dict[str, object]:
            try:
                body = (await client.get(f"{url}/leader")).json()
            except (httpx.HTTPError, ValueError):
                return {}
            return body if isinstance(body, dict) else {}

        statuses = await asyncio.gather(*(status(slot.base_url) for slot in self.servers.live))
        return {str(status["server_id"]) for status in statuses if status.get("role") == "leader"}

    def _observe(self, leaders: set[str]) -> None:
        now = time.monotonic()
        if not leaders:
            self._leaderless_since = self._leaderless_since or now
            self.longest_leaderless_seconds = max(
                self.longest_leaderless_seconds, now - self._leaderless_since
            )
            return
        self._leaderless_since = None
        if len(leaders) > 1:
            self.overlapping_polls += 1
            return
        (leader,) = leaders
        if not self.leaders_seen or self.leaders_seen[-1] != leader:
            self.failovers += int(bool(self.leaders_seen))
            self.leaders_seen.append(leader)
