"""A bound on how many distinct queues the store holds, enforced at enqueue.

Every queue costs a row per state in ``/queues``, series in ``/metrics`` and, on a search engine, an
index: unbounded, one client could grow them without end. The census knows the queues the store
reported (re-read at most once per ``refresh_interval``, and only when an enqueue names a queue it does
not know) plus those created through this server since. A new queue that would take the count past
``max_queues`` is refused before anything is stored. Several servers each check against their own
view, so together they can overshoot by the new queues each admitted within one interval.
"""

import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Protocol

from app.domain.errors import InvalidInput
from app.domain.queries import QueueStats


class QueueLister(Protocol):
    async def queue_stats(self) -> list[QueueStats]: ...


class QueueCensus:
    def __init__(
        self,
        store: QueueLister,
        *,
        max_queues: int,
        refresh_interval: timedelta = timedelta(seconds=10),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store
        self._max_queues = max_queues
        self._refresh_seconds = refresh_interval.total_seconds()
        self._monotonic = monotonic
        self._known: set[str] = set()
        self._read_at: float | None = None

    async def admit(self, queues: Iterable[str]) -> None:
        """Raise ``InvalidInput`` when creating tasks in ``queues`` would exceed the bound."""
        new = set(queues) - self._known
        if not new:
            return
        if self._read_at is None or self._monotonic() - self._read_at >= self._refresh_seconds:
            self._known |= {stats.queue for stats in await self._store.queue_stats()}
            self._read_at = self._monotonic()
            new -= self._known
        if len(self._known) + len(new) > self._max_queues:
            raise InvalidInput(
                f"The store holds at most {self._max_queues} queues (tasks.limits.max_queues); "
                f"{len(new)} new queue(s) would exceed it",
                max_queues=self._max_queues,
            )
        self._known |= new
