"""Flow control values: limits per queue and per key, the token bucket, and worker capabilities.

A task may carry a ``concurrency_key`` (how many tasks of that key may be CLAIMED at once; also the
group that claims rotate over, so one key's backlog cannot starve the others) and a ``rate_limit_key``
(how many claims of that key per interval). Limits come from ``FlowRules``: per queue, and per key
pattern (``fnmatch``, case-sensitive: ``tenant:*``). A pattern names which limit applies; the limit is
counted per distinct queue or key (``tenant:*`` -> 5 means 5 for ``tenant:a`` and 5 for ``tenant:b``).
An exact name wins over patterns; among patterns the first declared wins.

Everything here is pure: the stores count holders and keep buckets, and pass ``at`` in.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fnmatch import fnmatchcase

from app.domain.errors import InvalidInput

MAX_FLOW_KEY_BYTES = 200
MAX_CAPABILITY_BYTES = 100
MAX_CAPABILITIES = 32


class ScopeKind(StrEnum):
    QUEUE = "queue"
    KEY = "key"


class LimitKind(StrEnum):
    CONCURRENCY = "concurrency"
    RATE = "rate"


@dataclass(frozen=True, slots=True)
class LimiterScope:
    """What one limiter record counts: a queue's or a key's concurrency, or its rate."""

    limit: LimitKind
    kind: ScopeKind
    name: str

    @property
    def record_id(self) -> str:
        return f"{self.limit.value}|{self.kind.value}|{self.name}"


@dataclass(frozen=True, slots=True)
class RateLimit:
    """``limit`` claims per ``per``, with bursts of up to ``burst`` (a token bucket)."""

    limit: int
    per: timedelta
    burst: int

    def __post_init__(self) -> None:
        if self.limit < 1 or self.burst < 1 or self.per <= timedelta(0):
            raise ValueError("a rate needs limit >= 1, burst >= 1 and a positive interval")

    @property
    def tokens_per_second(self) -> float:
        return self.limit / self.per.total_seconds()


@dataclass(frozen=True, slots=True)
class FlowLimit:
    max_concurrency: int | None = None
    rate: RateLimit | None = None


@dataclass(frozen=True, slots=True)
class TokenBucket:
    tokens: float
    refilled_at: datetime

    @classmethod
    def full(cls, rate: RateLimit, *, at: datetime) -> "TokenBucket":
        return cls(tokens=float(rate.burst), refilled_at=at)

    def refilled(self, rate: RateLimit, *, at: datetime) -> "TokenBucket":
        """Tokens accrued up to ``at``; a clock behind ``refilled_at`` (another server's) adds none."""
        if at <= self.refilled_at:
            return TokenBucket(min(self.tokens, float(rate.burst)), self.refilled_at)
        gained = (at - self.refilled_at).total_seconds() * rate.tokens_per_second
        return TokenBucket(min(self.tokens + gained, float(rate.burst)), at)

    def taken(self, count: int) -> "TokenBucket":
        return TokenBucket(self.tokens - count, self.refilled_at)

    def refunded(self, count: int, rate: RateLimit) -> "TokenBucket":
        return TokenBucket(min(self.tokens + count, float(rate.burst)), self.refilled_at)


def _rule_for(rules: Sequence[tuple[str, FlowLimit]], name: str) -> FlowLimit | None:
    for pattern, limit in rules:
        if pattern == name:
            return limit
    return next((limit for pattern, limit in rules if fnmatchcase(name, pattern)), None)


@dataclass(frozen=True, slots=True)
class FlowRules:
    """Limits by queue (name or pattern) and by key pattern; empty means nothing is limited."""

    queues: tuple[tuple[str, FlowLimit], ...] = ()
    keys: tuple[tuple[str, FlowLimit], ...] = ()

    def for_queue(self, queue: str) -> FlowLimit | None:
        return _rule_for(self.queues, queue)

    def for_key(self, key: str) -> FlowLimit | None:
        return _rule_for(self.keys, key)

    @property
    def empty(self) -> bool:
        return not self.queues and not self.keys

    def _limit_of(self, scope: LimiterScope) -> FlowLimit | None:
        return self.for_queue(scope.name) if scope.kind is ScopeKind.QUEUE else self.for_key(scope.name)

    def concurrency_of(self, scope: LimiterScope) -> int | None:
        limit = self._limit_of(scope)
        return limit.max_concurrency if limit is not None else None

    def rate_of(self, scope: LimiterScope) -> RateLimit | None:
        limit = self._limit_of(scope)
        return limit.rate if limit is not None else None

    @property
    def limits_concurrency(self) -> bool:
        return any(limit.max_concurrency is not None for _, limit in (*self.queues, *self.keys))

    def longest_refill(self) -> timedelta:
        """How long the slowest bucket takes from empty to full: older buckets are full by now."""
        rates = [limit.rate for _, limit in (*self.queues, *self.keys) if limit.rate is not None]
        return max((rate.per * (rate.burst / rate.limit) for rate in rates), default=timedelta(0))

    def concurrency_scopes(self, queue: str, concurrency_key: str | None) -> list[tuple[LimiterScope, int]]:
        """The concurrency limiters a task of ``queue`` with ``concurrency_key`` must fit in."""
        found: list[tuple[LimiterScope, int]] = []
        queue_limit = self.for_queue(queue)
        if queue_limit is not None and queue_limit.max_concurrency is not None:
            found.append(
                (LimiterScope(LimitKind.CONCURRENCY, ScopeKind.QUEUE, queue), queue_limit.max_concurrency)
            )
        key_limit = self.for_key(concurrency_key) if concurrency_key is not None else None
        if concurrency_key is not None and key_limit is not None and key_limit.max_concurrency is not None:
            found.append(
                (
                    LimiterScope(LimitKind.CONCURRENCY, ScopeKind.KEY, concurrency_key),
                    key_limit.max_concurrency,
                )
            )
        return found

    def rate_scopes(self, queue: str, rate_limit_key: str | None) -> list[tuple[LimiterScope, RateLimit]]:
        """The token buckets a claim of a task of ``queue`` with ``rate_limit_key`` takes from."""
        found: list[tuple[LimiterScope, RateLimit]] = []
        queue_limit = self.for_queue(queue)
        if queue_limit is not None and queue_limit.rate is not None:
            found.append((LimiterScope(LimitKind.RATE, ScopeKind.QUEUE, queue), queue_limit.rate))
        key_limit = self.for_key(rate_limit_key) if rate_limit_key is not None else None
        if rate_limit_key is not None and key_limit is not None and key_limit.rate is not None:
            found.append((LimiterScope(LimitKind.RATE, ScopeKind.KEY, rate_limit_key), key_limit.rate))
        return found


def ensure_valid_flow_key(key: str | None, *, field: str) -> str | None:
    if key is None:
        return None
    if not key or len(key.encode()) > MAX_FLOW_KEY_BYTES or not key.isprintable():
        raise InvalidInput(f"{field} must be 1 to {MAX_FLOW_KEY_BYTES} bytes of printable text", field=field)
    return key


def normalized_capabilities(capabilities: Iterable[str] | None, *, field: str) -> tuple[str, ...] | None:
    """Sorted and de-duplicated; None (or empty) means "none"."""
    if capabilities is None:
        return None
    unique = sorted(set(capabilities))
    if len(unique) > MAX_CAPABILITIES:
        raise InvalidInput(f"{field} holds at most {MAX_CAPABILITIES} capabilities", field=field)
    for capability in unique:
        if not capability or len(capability.encode()) > MAX_CAPABILITY_BYTES or not capability.isprintable():
            raise InvalidInput(
                f"{field}: each capability must be 1 to {MAX_CAPABILITY_BYTES} bytes of printable text",
                field=field,
            )
    return tuple(unique) or None
