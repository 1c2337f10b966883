"""The paused-queue set as claimers see it: re-read at most once per interval, so a pause reaches every
server within that interval without a store read on every claim pass."""

from datetime import timedelta

from app.clock import Clock
from app.storage.port import QueueControlStore


class PausedQueues:
    def __init__(self, store: QueueControlStore, *, clock: Clock, refresh_every: timedelta) -> None:
        self._store = store
        self._clock = clock
        self._refresh_every = refresh_every.total_seconds()
        self._paused: frozenset[str] = frozenset()
        self._read_at: float | None = None

    async def current(self) -> frozenset[str]:
        now = self._clock.monotonic()
        if self._read_at is None or now - self._read_at >= self._refresh_every:
            self._paused = await self._store.paused_queues()
            self._read_at = now
        return self._paused

    def changed(self, paused: frozenset[str]) -> None:
        """A pause or resume made through this server applies here at once."""
        self._paused = paused
        self._read_at = self._clock.monotonic()


class NeverPaused:
    async def current(self) -> frozenset[str]:
        return frozenset()

    def changed(self, paused: frozenset[str]) -> None:
        return None
