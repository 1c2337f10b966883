"""Task writes this store made that search may not show yet.

Search sees a write only after the next refresh (1 s by default), so right after a claim the same
search still returns the tasks this server has just taken, with their old versions. Writing to them
again would only lose the compare-and-swap; worse, when every over-fetched hit is such a task, the
claim would answer "nothing to do" while other due tasks wait behind them until the refresh. So the
store remembers, for a short horizon, each task it moved out of the claimable states (or lost a
compare-and-swap on) and its version after that write: a hit whose version is older than a remembered
one is dropped without a write, and the candidate search leaves out (``must_not``) the writes of the
last ``hide_seconds``, so it moves past them. Older writes are left out only once a search has shown
one of them stale (a refresh ran late): with a thousand claims a second, leaving out the whole horizon
sent thousands of ids with every search, and building, sending and parsing them cost the server about a
tenth of its CPU and the node a few milliseconds a search. After the horizon a refresh has long made the
write searchable and the search's own filter does the work.

Other servers' claims are unknown to this registry until a compare-and-swap on one of them is lost. A
store that lost one within the last minute counts as contended, and its claims then read the candidates'
current versions with a realtime multi-get before writing (the search may be a refresh behind the other
servers' claims) and spread their first window at random, over a wider over-fetch where no stripes
keep the servers apart (``flow``).

The registry also holds the candidates this store's claims are writing at this moment
(``claims_in_flight``): the search leaves them out as well, so concurrent claims on one server reach
past each other's windows instead of racing for them.
"""

import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.domain.task import Task
from app.storage.elasticsearch.claims_in_flight import ClaimsInFlight

TaskKey = tuple[str, str]
"""(queue, task id)."""

# Several refresh intervals: a search-idle shard refreshes on the first search after it wakes, and a
# busy node can run a refresh late.
DEFAULT_HORIZON_SECONDS = 5.0
# Writes this recent are left out of every search: twice the default refresh interval.
DEFAULT_HIDE_SECONDS = 2.0
# Bounds the memory and the size of the must_not clause: past this, the oldest are forgotten (their
# hits then cost a lost compare-and-swap, as without this registry).
DEFAULT_CAPACITY = 5_000
# Other servers claiming the same queues rarely stop within seconds; a store that forgot them after one
# horizon went back to claiming the best hits in order, and every such first window lost to theirs.
DEFAULT_CONTENTION_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class _Write:
    seq_no: int
    primary_term: int
    at: float


class RecentWrites:
    def __init__(
        self,
        *,
        horizon_seconds: float = DEFAULT_HORIZON_SECONDS,
        capacity: int = DEFAULT_CAPACITY,
        contention_seconds: float = DEFAULT_CONTENTION_SECONDS,
        hide_seconds: float = DEFAULT_HIDE_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._horizon = horizon_seconds
        self._hide = min(hide_seconds, horizon_seconds)
        self._capacity = capacity
        self._contention = contention_seconds
        self._monotonic = monotonic
        # Oldest first: a write remembered again moves to the end, and the clock never goes back.
        self._writes: OrderedDict[TaskKey, _Write] = OrderedDict()
        self._seen_stale: set[TaskKey] = set()
        self._last_loss: float | None = None
        self.in_flight = ClaimsInFlight(written_since=self.is_stale)

    def taken(self, task: Task) -> None:
        """``task`` (as written, with its new version) left the claimable states by our write."""
        version = task.metadata.version
        if version is not None:
            self._remember((task.queue, task.id), _Write(version.seq_num, version.primary_term, self._now()))

    def lost(self, task: Task) -> None:
        """A compare-and-swap on ``task`` (as searched) lost: someone changed it since that version. A
        loss to this store's own later write says nothing about other servers, so only the others' count
        towards ``contended``: one such loss had put a lone server into the contended mode (4 times the
        over-fetch and a realtime read per window) for a minute, at twice its CPU per task."""
        version = task.metadata.version
        if not self.is_stale(task):
            self._last_loss = self._now()
        if version is not None:
            self._remember(
                (task.queue, task.id), _Write(version.seq_num + 1, version.primary_term, self._now())
            )

    def contended(self) -> bool:
        """This store lost a compare-and-swap within ``contention_seconds``: other servers claim from
        the same queues, so its claims should check freshness and spread out (``flow``)."""
        return self._last_loss is not None and self._now() - self._last_loss <= self._contention

    def released(self, tasks: Iterable[Task]) -> None:
        """These tasks are claimable again by our own write (unclaim, failure with retries left)."""
        for task in tasks:
            self._forget((task.queue, task.id))

    def hidden(self, queues: Sequence[str]) -> dict[str, list[str]]:
        """Queue -> ids to leave out of a candidate search over ``queues`` (every queue when empty)."""
        self._expire()
        wanted = set(queues)
        hidden = self.in_flight.ids(queues)
        recent_since = self._now() - self._hide
        recent: list[TaskKey] = []
        for key, write in reversed(self._writes.items()):
            if write.at < recent_since:
                break
            recent.append(key)
        left_out = [*reversed(recent), *self._seen_stale.difference(recent)]
        for queue, task_id in left_out:
            if not wanted or queue in wanted:
                hidden.setdefault(queue, []).append(task_id)
        return hidden

    def without_stale(self, hits: Sequence[Task]) -> list[Task]:
        """``hits`` less the stale ones (``is_stale``). A stale hit means the search ran before a
        refresh showed that write, so it is left out of the searches after this one too."""
        fresh: list[Task] = []
        for task in hits:
            if self.is_stale(task):
                self._seen_stale.add((task.queue, task.id))
            else:
                fresh.append(task)
        return fresh

    def is_stale(self, task: Task) -> bool:
        """``task`` came from a search that predates a write we made or saw conflict."""
        version = task.metadata.version
        known = self._writes.get((task.queue, task.id))
        if version is None or known is None:
            return False
        return (version.primary_term, version.seq_num) < (known.primary_term, known.seq_no)

    def _remember(self, key: TaskKey, write: _Write) -> None:
        self._writes.pop(key, None)
        self._writes[key] = write
        while len(self._writes) > self._capacity:
            self._forget(next(iter(self._writes)))

    def _forget(self, key: TaskKey) -> None:
        self._writes.pop(key, None)
        self._seen_stale.discard(key)

    def _expire(self) -> None:
        oldest_kept = self._now() - self._horizon
        while self._writes:
            key, write = next(iter(self._writes.items()))
            if write.at >= oldest_kept:
                return
            self._forget(key)

    def _now(self) -> float:
        return self._monotonic()


def hidden_clauses(hidden: dict[str, list[str]]) -> list[dict[str, Any]]:
    """``must_not`` clauses for a candidate search: one per queue, its ids."""
    return [
        {"bool": {"filter": [{"term": {"queue": queue}}, {"ids": {"values": ids}}]}}
        for queue, ids in sorted(hidden.items())
    ]
