"""Claiming on SQLite: one IMMEDIATE transaction reads the limits' state, picks candidates and claims.

Inside the transaction nothing else writes, so the counts are exact: CLAIMED rows per limited queue
and per limited ``concurrency_key``, and the ``flow_buckets`` rows refilled to ``at``. Queues and keys
already at their limit are excluded in SQL, so their backlog does not crowd out the others; the shared
planner (``app.storage.flow_planning``) then walks the candidates in fair order and stops each queue and
key exactly at its limit. Candidates come per concurrency key (up to ``fairness_window`` keys, oldest
head first, plus the tasks without a key), a share of ``amount`` each, topped up from the keys that have
more; with no keyed tasks this is the single indexed best-first query it always was. Keys are found by
a loose index scan that resumes where the previous claim's stopped, ``fairness_window`` keys at a time.
"""

import json
import math
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from app.domain.flow import FlowRules, LimiterScope, LimitKind, ScopeKind, TokenBucket
from app.domain.task import Task
from app.storage.flow_planning import KeyRotation, LimiterLedger, fair_order, plan_claims, throttled_report
from app.storage.port import ClaimOutcome, ClaimRequest, UpdateResult
from app.storage.sqlite.connection import SqliteConnections
from app.storage.sqlite.flow import COVERED_BY_PARAMETER, capabilities_json
from app.storage.sqlite.rows import micros, task_from_row
from app.storage.sqlite.statements import Row, Statements

CLAIM_ORDER = "ORDER BY priority DESC, run_at_us ASC, enqueued_at_us ASC"
_SELECT = "SELECT document, version FROM tasks WHERE"
_FILL_ROUNDS = 8
_ROUNDS = 3

CompareAndSwap = Callable[[Statements, Task, Task], Awaitable[UpdateResult]]


@dataclass
class _Filter:
    condition: str
    parameters: list[Any] = field(default_factory=list)

    def narrowed(self, condition: str, *parameters: Any) -> "_Filter":
        return _Filter(f"{self.condition} AND {condition}", [*self.parameters, *parameters])


def claimable_filter(request: ClaimRequest) -> _Filter:
    found = _Filter(
        "state IN ('queued', 'failed') AND run_at_us <= ? AND remaining_attempts > 0", [micros(request.at)]
    )
    if request.queues:
        found = found.narrowed(f"queue IN ({', '.join('?' * len(request.queues))})", *request.queues)
    if request.excluded_queues:
        excluded = sorted(request.excluded_queues)
        found = found.narrowed(f"queue NOT IN ({', '.join('?' * len(excluded))})", *excluded)
    if request.capabilities:
        found = found.narrowed(COVERED_BY_PARAMETER, capabilities_json(request.capabilities))
    else:
        found = found.narrowed("required_capabilities IS NULL")
    if request.offered:
        pairs = ", ".join("(?, ?)" for _ in request.offered)
        keys = [part for task in request.offered for part in (task.queue, task.id)]
        found = found.narrowed(f"(queue, id) IN (VALUES {pairs})", *keys)
    return found


def _excluding(found: _Filter, column: str, names: set[str]) -> _Filter:
    if not names:
        return found
    return found.narrowed(
        f"({column} IS NULL OR {column} NOT IN (SELECT value FROM json_each(?)))", json.dumps(sorted(names))
    )


async def load_ledger(writer: Statements, rules: FlowRules, *, at: datetime) -> LimiterLedger:
    """CLAIMED counts for limited queues and keys, and the buckets that may not be full yet."""
    ledger = LimiterLedger()
    if any(limit.max_concurrency is not None for _, limit in rules.queues):
        for queue, count in await writer.execute_fetchall(
            "SELECT queue, COUNT(*) FROM tasks WHERE state = 'claimed' GROUP BY queue"
        ):
            for scope, _ in rules.concurrency_scopes(queue, None):
                ledger.held[scope] = int(count)
    if any(limit.max_concurrency is not None for _, limit in rules.keys):
        for key, count in await writer.execute_fetchall(
            "SELECT concurrency_key, COUNT(*) FROM tasks WHERE state = 'claimed' "
            "AND concurrency_key IS NOT NULL GROUP BY concurrency_key"
        ):
            scope = LimiterScope(LimitKind.CONCURRENCY, ScopeKind.KEY, key)
            if rules.concurrency_of(scope) is not None:
                ledger.held[scope] = int(count)
    refill = rules.longest_refill()
    if refill:
        for scope_id, tokens, refilled_at_us in await writer.execute_fetchall(
            "SELECT scope, tokens, refilled_at_us FROM flow_buckets WHERE refilled_at_us >= ?",
            (micros(at - refill),),
        ):
            limit, kind, name = scope_id.split("|", 2)
            scope = LimiterScope(LimitKind(limit), ScopeKind(kind), name)
            ledger.buckets[scope] = TokenBucket(tokens, datetime.fromtimestamp(refilled_at_us / 1e6, tz=UTC))
    return ledger


def saturated(ledger: LimiterLedger, rules: FlowRules, *, at: datetime) -> set[LimiterScope]:
    """Queues and keys with no room left before this claim takes anything."""
    full = {
        scope
        for scope, held in ledger.held.items()
        if (limit := rules.concurrency_of(scope)) is not None and held >= limit
    }
    empty = {
        scope
        for scope, bucket in ledger.buckets.items()
        if (rate := rules.rate_of(scope)) is not None and bucket.refilled(rate, at=at).tokens < 1
    }
    return full | empty


def _column(scope: LimiterScope) -> str:
    if scope.kind is ScopeKind.QUEUE:
        return "queue"
    return "concurrency_key" if scope.limit is LimitKind.CONCURRENCY else "rate_limit_key"


def _excluding_all(found: _Filter, scopes: set[LimiterScope]) -> _Filter:
    for column in ("queue", "concurrency_key", "rate_limit_key"):
        found = _excluding(found, column, {scope.name for scope in scopes if _column(scope) == column})
    return found


def _claim_index(request: ClaimRequest) -> str:
    """The partial index in claim order: per queue when the claim names queues, else across all."""
    return "tasks_claim_order" if request.queues else "tasks_claim_order_all_queues"


def best_first(request: ClaimRequest, found: _Filter, *, columns: str, limit: int) -> tuple[str, list[Any]]:
    """A query for ``columns`` of the best ``limit`` claimable rows under ``found``, in claim order.

    One queue: a walk of ``tasks_claim_order`` that stops at the limit. Several: that walk per queue,
    merged (``queue IN (...)`` alone makes SQLite read every claimable row of those queues and sort
    them: half a second per claim at 80k waiting). No queue named: ``tasks_claim_order_all_queues``.
    """
    if len(request.queues) <= 1:
        index = _claim_index(request)
        sql = f"SELECT {columns} FROM tasks INDEXED BY {index} WHERE {found.condition} {CLAIM_ORDER} LIMIT ?"
        return sql, [*found.parameters, limit]
    per_queue = (
        f"SELECT * FROM (SELECT {columns}, priority AS claim_priority, run_at_us AS claim_run_at, "
        "enqueued_at_us AS claim_enqueued FROM tasks INDEXED BY tasks_claim_order "
        f"WHERE {found.condition} AND queue = ? {CLAIM_ORDER} LIMIT ?)"
    )
    sql = (
        f"SELECT {columns} FROM ({' UNION ALL '.join(per_queue for _ in request.queues)}) "
        "ORDER BY claim_priority DESC, claim_run_at ASC, claim_enqueued ASC LIMIT ?"
    )
    parameters = [value for queue in request.queues for value in (*found.parameters, queue, limit)]
    return sql, [*parameters, limit]


async def held_back_at_the_head(
    writer: Statements, request: ClaimRequest, full: set[LimiterScope], *, amount: int
) -> Counter[tuple[str, ScopeKind, LimitKind]]:
    """Which of the best ``amount`` candidates the ``full`` scopes hold back, counted as the planner
    counts them (the first limit that stops a task: concurrency before rate, queue before key). The
    claim query leaves those scopes out, so without this their backlog would never show as throttled."""
    sql, parameters = best_first(
        request, claimable_filter(request), columns="queue, concurrency_key, rate_limit_key", limit=amount
    )
    rows = await writer.execute_fetchall(sql, parameters)
    counted: Counter[tuple[str, ScopeKind, LimitKind]] = Counter()
    for queue, concurrency_key, rate_limit_key in rows:
        stops = (
            LimiterScope(LimitKind.CONCURRENCY, ScopeKind.QUEUE, queue),
            LimiterScope(LimitKind.CONCURRENCY, ScopeKind.KEY, concurrency_key or ""),
            LimiterScope(LimitKind.RATE, ScopeKind.QUEUE, queue),
            LimiterScope(LimitKind.RATE, ScopeKind.KEY, rate_limit_key or ""),
        )
        stop = next((scope for scope in stops if scope in full), None)
        if stop is not None:
            counted[(queue, stop.kind, stop.limit)] += 1
    return counted


# Distinct keys of waiting tasks in key order after a cursor: one index seek per key (a loose index
# scan over ``tasks_waiting_by_key``), however large each key's backlog.
_DISCOVER_KEYS = (
    "WITH RECURSIVE found(key, n) AS ("
    " SELECT (SELECT MIN(concurrency_key) FROM tasks WHERE state IN ('queued', 'failed')"
    " AND concurrency_key > ?), 1"
    " UNION ALL"
    " SELECT (SELECT MIN(concurrency_key) FROM tasks WHERE state IN ('queued', 'failed')"
    " AND concurrency_key > found.key), n + 1"
    " FROM found WHERE found.key IS NOT NULL AND found.n < ?)"
    " SELECT key FROM found WHERE key IS NOT NULL"
)


async def discover_keys(writer: Statements, rotation: KeyRotation, *, window: int) -> list[str]:
    """Up to ``window`` concurrency keys with waiting tasks, resuming after the key where the previous
    discovery stopped (``rotation.cursor``) and wrapping around, so with more keys than the window
    every key still comes up in turn. Not filtered by queue, due time or capabilities: a key with
    nothing claimable costs one empty fetch."""
    keys = [row[0] for row in await writer.execute_fetchall(_DISCOVER_KEYS, (rotation.cursor, window))]
    if len(keys) < window and rotation.cursor:
        wrapped = await writer.execute_fetchall(_DISCOVER_KEYS, ("", window - len(keys)))
        keys += [row[0] for row in wrapped if row[0] <= rotation.cursor]
    rotation.cursor = keys[-1] if len(keys) >= window else ""
    return keys


class _Groups:
    """Candidates fetched per concurrency key, a share at a time, until ``amount`` or none are left.

    Keys are taken in rotation order, only as many at a time as there are tasks still wanted, so a
    claim of one task costs one or two small indexed queries however many keys are waiting."""

    def __init__(self, writer: Statements, found: _Filter, room: Callable[[str | None], int]) -> None:
        self._writer = writer
        self._filter = found
        self._room = room
        self.fetched: dict[str | None, list[Task]] = {}

    async def fill(self, keys: list[str | None], *, amount: int) -> list[Task]:
        pending = [key for key in keys if self._room(key) > 0]
        active: list[str | None] = []
        for _ in range(_FILL_ROUNDS):
            wanted = amount - sum(len(tasks) for tasks in self.fetched.values())
            joining = max(wanted - len(active), 0)
            active += pending[:joining]
            del pending[:joining]
            if wanted <= 0 or not active:
                break
            share = math.ceil(wanted / len(active))
            active = [key for key in active if await self._fetch(key, share)]
        return [task for tasks in self.fetched.values() for task in tasks]

    async def _fetch(self, key: str | None, share: int) -> bool:
        """Fetch the key's next ``share`` candidates; False once it has no more to give."""
        have = self.fetched.setdefault(key, [])
        size = min(share, self._room(key) - len(have))
        if size <= 0:
            return False
        scoped = (
            self._filter.narrowed("concurrency_key IS NULL")
            if key is None
            else self._filter.narrowed("concurrency_key = ?", key)
        )
        # Left to itself the planner walks the queue's claim index and skips other keys' rows, which
        # is slow exactly when one key's backlog is large: the case fairness is for.
        rows = list(
            await self._writer.execute_fetchall(
                "SELECT document, version FROM tasks INDEXED BY tasks_waiting_by_key WHERE "
                f"{scoped.condition} {CLAIM_ORDER} LIMIT ? OFFSET ?",
                (*scoped.parameters, size, len(have)),
            )
        )
        have.extend(task_from_row(row) for row in rows)
        return len(rows) == size


async def gather_candidates(
    writer: Statements,
    request: ClaimRequest,
    found: _Filter,
    ledger: LimiterLedger,
    *,
    amount: int,
    rotation: KeyRotation,
    keyed: bool,
) -> list[Task]:
    """Candidates in claim order; per concurrency key when keyed tasks are waiting."""
    if request.offered:
        # Every blocked claimer is offered a whole enqueued batch; without limits to plan around, read
        # (and parse) only the ``amount`` it can take, not the batch.
        bound = " LIMIT ?" if request.flow.rules.empty else ""
        parameters = [*found.parameters, amount] if bound else found.parameters
        rows = await writer.execute_fetchall(f"{_SELECT} {found.condition} {CLAIM_ORDER}{bound}", parameters)
        return [task_from_row(row) for row in rows]
    keys = await discover_keys(writer, rotation, window=request.flow.fairness_window) if keyed else []
    if not keys:
        sql, parameters = best_first(request, found, columns="document, version", limit=amount)
        return [task_from_row(row) for row in await writer.execute_fetchall(sql, parameters)]
    rules = request.flow.rules

    def room(key: str | None) -> int:
        if key is None:
            return amount
        scope = LimiterScope(LimitKind.CONCURRENCY, ScopeKind.KEY, key)
        limit = rules.concurrency_of(scope)
        return amount if limit is None else min(amount, limit - ledger.held.get(scope, 0))

    groups = _Groups(writer, found, room)
    candidates = await groups.fill(rotation.order([None, *keys]), amount=amount)
    return sorted(candidates, key=lambda task: (-task.priority, task.run_at, task.last_enqueued_at))


async def claim_in_transaction(
    writer: Statements,
    request: ClaimRequest,
    claim: Callable[[Task], Task],
    *,
    rotation: KeyRotation,
    compare_and_swap: CompareAndSwap,
    keyed: bool = True,
) -> ClaimOutcome:
    """The whole claim, inside the caller's IMMEDIATE transaction; see the module docstring.

    A limit reached during this claim leaves candidates behind; a further round (up to ``_ROUNDS``)
    asks again without the queues and keys now full, so they do not hide the others' tasks."""
    rules = request.flow.rules
    ledger = await load_ledger(writer, rules, at=request.at) if not rules.empty else LimiterLedger()
    stored_buckets = dict(ledger.buckets)
    excluded = saturated(ledger, rules, at=request.at)
    claimed: list[Task] = []
    taken: Counter[LimiterScope] = Counter()
    throttled: Counter[tuple[str, ScopeKind, LimitKind]] = Counter()
    if excluded:
        throttled.update(await held_back_at_the_head(writer, request, excluded, amount=request.amount))
    for _ in range(_ROUNDS):
        wanted = request.amount - len(claimed)
        found = _excluding_all(claimable_filter(request), excluded)
        gathered = await gather_candidates(
            writer, request, found, ledger, amount=wanted, rotation=rotation, keyed=keyed
        )
        plan = plan_claims(
            fair_order(gathered, rotation), amount=wanted, rules=rules, ledger=ledger, at=request.at
        )
        for grant in plan.grants:
            result = await compare_and_swap(writer, grant.task, claim(grant.task))
            if isinstance(result, Task):
                claimed.append(result)
                taken.update(grant.rate)
                ledger.held.update({scope: ledger.held.get(scope, 0) + 1 for scope in grant.concurrency})
        ledger.buckets.update(plan.buckets)
        throttled.update(plan.throttled)
        if len(claimed) >= request.amount or plan.blocked <= excluded:
            break
        excluded |= plan.blocked
    await _store_buckets(writer, rules, stored_buckets, taken, at=request.at)
    rotation.served(task.concurrency_key for task in claimed)
    return ClaimOutcome(claimed=claimed, conflicts=0, throttled=throttled_report(throttled))


async def _store_buckets(
    writer: Statements,
    rules: FlowRules,
    stored_buckets: dict[LimiterScope, TokenBucket],
    taken: Counter[LimiterScope],
    *,
    at: datetime,
) -> None:
    """Each bucket as stored, refilled to ``at``, less the tokens this claim's tasks took."""
    for scope, count in taken.items():
        rate = rules.rate_of(scope)
        assert rate is not None  # only rate-limited scopes are taken from
        stored = stored_buckets.get(scope)
        bucket = (stored.refilled(rate, at=at) if stored else TokenBucket.full(rate, at=at)).taken(count)
        await writer.execute_fetchall(
            "INSERT INTO flow_buckets (scope, tokens, refilled_at_us) VALUES (?, ?, ?) ON CONFLICT (scope) "
            "DO UPDATE SET tokens = excluded.tokens, refilled_at_us = excluded.refilled_at_us",
            (scope.record_id, bucket.tokens, micros(bucket.refilled_at)),
        )


@dataclass(frozen=True, slots=True)
class Lookahead:
    claimable: bool
    """Some task matches the claim at all; if not, the claim skips the write lock."""
    keyed: bool
    """Some waiting task has a concurrency key; if not, the claim skips key discovery."""


def look_ahead_query(request: ClaimRequest) -> tuple[str, list[Any]]:
    found = claimable_filter(request)
    # Left to itself SQLite walks the queue's primary key, finished tasks and all; offered tasks are
    # found by their keys instead.
    index = ""
    if not request.offered:
        index = f"INDEXED BY {_claim_index(request)}"
    sql = (
        f"SELECT EXISTS (SELECT 1 FROM tasks {index} WHERE {found.condition}), EXISTS (SELECT 1 FROM tasks "
        "INDEXED BY tasks_waiting_by_key WHERE state IN ('queued', 'failed') AND concurrency_key > '')"
    )
    return sql, list(found.parameters)


async def look_ahead(connections: SqliteConnections, request: ClaimRequest) -> Lookahead:
    """One read outside the write lock (idle blocked claimers re-check often)."""
    sql, parameters = look_ahead_query(request)

    async def look(reader: Statements) -> list[Row]:
        return await reader.execute_fetchall(sql, parameters)

    claimable, keyed = (await connections.read(look))[0]
    return Lookahead(claimable=bool(claimable), keyed=bool(keyed))
