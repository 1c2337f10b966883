"""Claim planning shared by both backends: fair order over concurrency keys, and limit bookkeeping.

Pure, no I/O. A backend reads the limiter state its own way (SQLite counts CLAIMED tasks and reads
bucket rows inside its claim transaction; Elasticsearch reads limiter records by realtime GET), puts it
in a ``LimiterLedger``, and lets ``plan_claims`` walk the candidates in claim order granting those that
fit. What a grant took (``Grant.concurrency``, ``Grant.rate``) is what the backend writes, or gives back
when the task's own write loses.

Fairness (``fair_order``): candidates are grouped by ``concurrency_key`` (no key is one group); groups
take turns, one task each per round, the group this store object served least recently first, then the
group whose best task is best. Within a group, claim order (priority desc, run_at asc, enqueued asc).
The record of who was served (``KeyRotation``) lives in the store object, so it is per server process:
every server rotates on its own, which keeps every key moving cluster-wide without a shared write per
claim. The limits, unlike the rotation, are enforced in the store.
"""

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from app.domain.flow import FlowRules, LimiterScope, LimitKind, RateLimit, ScopeKind, TokenBucket
from app.domain.task import Task
from app.storage.port import Throttled

ROTATION_MEMORY = 10_000


class KeyRotation:
    """When this process last served each concurrency key (a tick, not a time); bounded, oldest forgotten."""

    def __init__(self, *, remember: int = ROTATION_MEMORY) -> None:
        self._served: dict[str | None, int] = {}
        self._tick = 0
        self._remember = remember
        self.cursor = ""
        """Where a backend's key discovery resumes (SQLite walks keys in order, a window at a time)."""

    def last_served(self, key: str | None) -> int:
        """-1 for a key never served (or forgotten): it goes first."""
        return self._served.get(key, -1)

    def served(self, keys: Iterable[str | None]) -> None:
        for key in keys:
            self._tick += 1
            self._served.pop(key, None)
            self._served[key] = self._tick
        while len(self._served) > self._remember:
            del self._served[next(iter(self._served))]

    def order(self, keys: Iterable[str | None]) -> list[str | None]:
        """``keys`` (in head order) least recently served first; ties keep head order."""
        position = {key: index for index, key in reversed(list(enumerate(keys)))}
        return sorted(position, key=lambda key: (self.last_served(key), position[key]))


def fair_order(candidates: Sequence[Task], rotation: KeyRotation) -> list[Task]:
    """``candidates`` (in claim order) interleaved one per concurrency key per round, keys in turn."""
    groups: dict[str | None, list[Task]] = {}
    for task in candidates:
        groups.setdefault(task.concurrency_key, []).append(task)
    if len(groups) <= 1:
        return list(candidates)
    ordered = [groups[key] for key in rotation.order(groups)]
    deepest = max(len(group) for group in ordered)
    return [group[depth] for depth in range(deepest) for group in ordered if depth < len(group)]


@dataclass
class LimiterLedger:
    """Concurrency slots in use and token buckets as read, for the scopes the candidates touch."""

    held: dict[LimiterScope, int] = field(default_factory=dict)
    buckets: dict[LimiterScope, TokenBucket] = field(default_factory=dict)
    """As stored (not yet refilled); a scope without one starts full."""


@dataclass(frozen=True, slots=True)
class Grant:
    task: Task
    concurrency: tuple[LimiterScope, ...]
    rate: tuple[LimiterScope, ...]


@dataclass
class ClaimPlan:
    grants: list[Grant] = field(default_factory=list)
    buckets: dict[LimiterScope, TokenBucket] = field(default_factory=dict)
    """Buckets after refilling to ``at`` and taking the grants' tokens: what to store."""
    blocked: set[LimiterScope] = field(default_factory=set)
    """Scopes that turned a candidate away."""
    throttled: Counter[tuple[str, ScopeKind, LimitKind]] = field(default_factory=Counter)

    def throttled_report(self) -> tuple[Throttled, ...]:
        return throttled_report(self.throttled)


def throttled_report(counts: Counter[tuple[str, ScopeKind, LimitKind]]) -> tuple[Throttled, ...]:
    return tuple(
        Throttled(queue=queue, scope=scope, limit=limit, count=count)
        for (queue, scope, limit), count in sorted(counts.items())
    )


def plan_claims(
    candidates: Sequence[Task], *, amount: int, rules: FlowRules, ledger: LimiterLedger, at: datetime
) -> ClaimPlan:
    """Walk ``candidates`` in order, granting each that fits every limit, until ``amount`` are granted.

    A candidate turned away counts once, under the first limit that stopped it (concurrency before
    rate, queue before key).
    """
    plan = ClaimPlan()
    held = dict(ledger.held)
    for task in candidates:
        if len(plan.grants) >= amount:
            break
        concurrency = rules.concurrency_scopes(task.queue, task.concurrency_key)
        rates = rules.rate_scopes(task.queue, task.rate_limit_key)
        full = next((scope for scope, limit in concurrency if held.get(scope, 0) >= limit), None)
        buckets = {scope: _bucket(plan, ledger, scope, rate, at) for scope, rate in rates}
        empty = next((scope for scope, bucket in buckets.items() if bucket.tokens < 1), None)
        blocking = full or empty
        if blocking is not None:
            plan.blocked.add(blocking)
            plan.throttled[(task.queue, blocking.kind, blocking.limit)] += 1
            continue
        for scope, _ in concurrency:
            held[scope] = held.get(scope, 0) + 1
        plan.buckets.update({scope: bucket.taken(1) for scope, bucket in buckets.items()})
        plan.grants.append(
            Grant(task, tuple(scope for scope, _ in concurrency), tuple(scope for scope, _ in rates))
        )
    return plan


def _bucket(
    plan: ClaimPlan, ledger: LimiterLedger, scope: LimiterScope, rate: RateLimit, at: datetime
) -> TokenBucket:
    """The bucket as this plan left it, else as stored refilled to ``at``, else a full one."""
    if scope in plan.buckets:
        return plan.buckets[scope]
    stored = ledger.buckets.get(scope)
    return stored.refilled(rate, at=at) if stored is not None else TokenBucket.full(rate, at=at)
