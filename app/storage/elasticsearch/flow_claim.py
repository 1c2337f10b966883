"""One claim pass on Elasticsearch with fairness, limits and capabilities; the package docstring has
the overview, ``flow_limiters`` the records.

Rounds (at most ``MAX_SEARCH_ROUNDS``): search candidates (leaving out queues and keys already found at
their limit), order them fairly, claim what fits; when a limit turned candidates away, or other servers
won some of them, and the search may have had more to give, search again without those queues and keys
(and without the lost tasks), so a saturated key's backlog cannot hide the others' tasks. Within a round, with limits configured, each attempt:

1. reads the limiter records the candidates touch (one realtime multi-get), and for each concurrency
   limiter that is full checks its holders against their tasks (one realtime multi-get), dropping the
   stale ones;
2. plans (``flow_planning.plan_claims``) which candidates fit, runs the domain's claim on them (which
   picks their lease tokens), and writes every changed limiter record by compare-and-swap in one
   ``_bulk``: holders added, stale holders dropped, tokens taken;
3. writes the claims of the candidates whose limiters were all written, in one ``_bulk`` of
   conditional writes; a candidate whose limiter write lost, or whose own write lost, gives its slots
   and tokens back (CAS with re-reads);
4. goes round again (re-reading the limiters) only after a lost write, up to ``limiter_retries``.

Slots are taken before the tasks are claimed, so however many servers race, the CLAIMED tasks of a
queue or key never outnumber its holders, and holders never outnumber the limit.
"""

import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from random import Random

from app.domain.errors import StoreUnavailable, TasquesError
from app.domain.flow import LimiterScope, LimitKind, ScopeKind
from app.domain.task import Task
from app.storage.elasticsearch.claim import (
    FreshnessCheck,
    Narrowing,
    WriteBatch,
    claim_in_windows,
    claim_order_key,
    report_failures,
    settle_window,
)
from app.storage.elasticsearch.claim_stripes import WHOLE, Stripe
from app.storage.elasticsearch.claims_in_flight import ClaimsInFlight
from app.storage.elasticsearch.flow_limiters import (
    GetTasks,
    Holder,
    LimiterRecord,
    LimiterRecords,
    live_holders,
)
from app.storage.flow_planning import ClaimPlan, Grant, KeyRotation, LimiterLedger, fair_order, plan_claims
from app.storage.flow_planning import throttled_report as report_throttled
from app.storage.port import ClaimOutcome, ClaimRequest

logger = logging.getLogger(__name__)

MAX_SEARCH_ROUNDS = 5
_EXCLUDABLE = {
    (ScopeKind.QUEUE, LimitKind.CONCURRENCY): "queue",
    (ScopeKind.QUEUE, LimitKind.RATE): "queue",
    (ScopeKind.KEY, LimitKind.CONCURRENCY): "concurrency_key",
    (ScopeKind.KEY, LimitKind.RATE): "rate_limit_key",
}


@dataclass
class CandidatePage:
    tasks: list[Task]
    complete: bool
    """The search returned fewer hits than it asked for: nothing else matched."""
    keys: list[str] = field(default_factory=list)
    """Concurrency keys with claimable tasks (the aggregation's window of them), in key order."""
    keys_after: str = ""
    """Where the next claim's window of keys starts."""
    passed_stale: bool = False
    """Hits were dropped as stale (a write here the search ran before): they are left out of the next
    search, which may find others in their place."""


SearchCandidates = Callable[[Narrowing, frozenset[str], int], Awaitable[CandidatePage]]


@dataclass(frozen=True, slots=True, kw_only=True)
class FlowClaimParts:
    search: SearchCandidates
    """(narrowing, excluded queues, size) -> one candidate search."""
    write: WriteBatch
    limiters: LimiterRecords
    get_tasks: GetTasks
    rotation: KeyRotation
    random: Random
    multiplier: int
    contended: bool = False
    """Other servers won writes from this store lately: spread the first window (``recent_writes``)."""
    in_flight: ClaimsInFlight = field(default_factory=ClaimsInFlight)
    """Candidates other claims on this store are writing now: passed over (``claims_in_flight``)."""
    stripe: Stripe = WHOLE
    """The candidates this server takes first while other servers claim too (``claim_stripes``)."""
    fresh: FreshnessCheck | None = None
    """Under contention, each window's current versions are checked before it is written."""


def _key(task: Task) -> tuple[str, str]:
    return task.queue, task.id


class FlowClaim:
    def __init__(self, parts: FlowClaimParts, request: ClaimRequest, claim: Callable[[Task], Task]) -> None:
        self._parts = parts
        self._request = request
        self._claim = claim
        self._rules = request.flow.rules
        self._claimed: list[Task] = []
        self._conflicts = 0
        self._failures: list[str] = []
        self._throttled: Counter[tuple[str, ScopeKind, LimitKind]] = Counter()
        self._excluded: dict[str, set[str]] = {
            "queue": set(request.excluded_queues),
            "concurrency_key": set(),
            "rate_limit_key": set(),
        }
        self._tried: set[tuple[str, str]] = set()
        self._passed_over = False

    @property
    def _wanted(self) -> int:
        return self._request.amount - len(self._claimed)

    async def run(self) -> ClaimOutcome:
        try:
            await self._rounds()
        except StoreUnavailable:
            if not self._claimed:
                raise
            # Raising now would strand the tasks already won until the reaper times them out.
            logger.warning("claim: store failed; returning the %d tasks already claimed", len(self._claimed))
        report_failures(self._failures, claimed=len(self._claimed))
        return ClaimOutcome(
            claimed=sorted(self._claimed, key=claim_order_key),
            conflicts=self._conflicts,
            throttled=report_throttled(self._throttled),
        )

    async def _rounds(self) -> None:
        for _ in range(MAX_SEARCH_ROUNDS):
            if self._wanted <= 0:
                return
            candidates, complete = await self._candidates()
            conflicts_before = self._conflicts
            narrowed = False
            if candidates:
                blocked = await self._claim_from(fair_order(candidates, self._parts.rotation))
                narrowed = self._exclude(blocked)
            # Lost candidates, and those another claim here was writing, are hidden from the next
            # search (``recent_writes``), so it reaches past them; without that, a claim whose hits
            # other claims had just taken answered empty.
            passed_over, self._passed_over = self._passed_over, False
            if complete or not (narrowed or passed_over or self._conflicts > conflicts_before):
                return

    def _exclude(self, blocked: set[LimiterScope]) -> bool:
        """Leave ``blocked`` queues and keys out of the next search; False when nothing new."""
        grew = False
        for scope in blocked:
            names = self._excluded[_EXCLUDABLE[(scope.kind, scope.limit)]]
            grew |= scope.name not in names
            names.add(scope.name)
        return grew

    async def _candidates(self) -> tuple[list[Task], bool]:
        """Untried candidates the claimer may take, in claim order, and whether they are all there are."""
        request = self._request
        if request.offered:
            found, complete = [task for task in request.offered if task.is_claimable(at=request.at)], True
        else:
            found, complete = await self._searched()
        in_flight = self._parts.in_flight
        claimable = [task for task in found if not in_flight.holds(task)]
        self._passed_over |= len(claimable) < len(found)
        usable = [
            task
            for task in claimable
            if _key(task) not in self._tried
            and task.runs_on(request.capabilities)
            and task.queue not in self._excluded["queue"]
            and task.concurrency_key not in self._excluded["concurrency_key"]
            and task.rate_limit_key not in self._excluded["rate_limit_key"]
        ]
        return sorted(usable, key=claim_order_key), complete

    async def _searched(self) -> tuple[list[Task], bool]:
        """The best candidates, plus the best of the keys whose turn it is but that the best missed."""
        size = self._wanted * self._parts.multiplier
        excluded_queues = frozenset(self._excluded["queue"])
        rotation = self._parts.rotation
        window = self._narrowing(key_window=self._request.flow.fairness_window, keys_after=rotation.cursor)
        page = await self._parts.search(window, excluded_queues, size)
        self._passed_over |= page.passed_stale
        rotation.cursor = page.keys_after
        in_page = list(dict.fromkeys(task.concurrency_key for task in page.tasks))
        turn = self._parts.rotation.order([*in_page, *page.keys])[: self._wanted]
        missed = tuple(key for key in turn if key is not None and key not in in_page)
        if not missed or page.complete:
            return page.tasks, page.complete
        extra = await self._parts.search(self._narrowing(keys=missed), excluded_queues, size)
        self._passed_over |= extra.passed_stale
        merged = {_key(task): task for task in (*page.tasks, *extra.tasks)}
        return list(merged.values()), False

    def _narrowing(
        self, *, key_window: int = 0, keys_after: str = "", keys: tuple[str, ...] = ()
    ) -> Narrowing:
        return Narrowing(
            capabilities=self._request.capabilities,
            excluded={
                name: frozenset(self._excluded[name]) for name in ("concurrency_key", "rate_limit_key")
            },
            keys=keys,
            key_window=key_window,
            keys_after=keys_after,
        )

    async def _claim_from(self, ordered: list[Task]) -> set[LimiterScope]:
        """Claim from ``ordered``; the scopes that turned candidates away."""
        if self._rules.empty:
            outcome = await claim_in_windows(
                ordered,
                amount=self._wanted,
                claim=self._claim,
                write=self._parts.write,
                random=self._parts.random,
                contended=self._parts.contended,
                in_flight=self._parts.in_flight,
                stripe=self._parts.stripe,
                fresh=self._fresh if self._parts.fresh else None,
            )
            self._won(outcome.claimed)
            self._conflicts += outcome.conflicts
            return set()
        return await self._claim_limited(ordered)

    async def _fresh(self, window: list[Task]) -> list[Task]:
        """The parts' freshness check; hits it drops (another server took them since the refresh) are
        hidden from the next search like lost ones, so a pass that found only those searches again."""
        assert self._parts.fresh is not None
        unchanged = await self._parts.fresh(window)
        self._passed_over |= len(unchanged) < len(window)
        return unchanged

    def _won(self, tasks: Sequence[Task]) -> None:
        self._claimed.extend(tasks)
        self._parts.rotation.served(task.concurrency_key for task in tasks)

    def _scopes(self, task: Task) -> list[LimiterScope]:
        return [
            *(scope for scope, _ in self._rules.concurrency_scopes(task.queue, task.concurrency_key)),
            *(scope for scope, _ in self._rules.rate_scopes(task.queue, task.rate_limit_key)),
        ]

    async def _claim_limited(self, ordered: list[Task]) -> set[LimiterScope]:
        remaining = self._parts.stripe.first(ordered)
        scopes = list(dict.fromkeys(scope for task in remaining for scope in self._scopes(task)))
        plan = ClaimPlan()
        for _ in range(self._request.flow.limiter_retries + 1):
            if self._wanted <= 0 or not remaining:
                break
            stored = await self._parts.limiters.read(scopes)
            current = await self._reclaimed(stored)
            plan = plan_claims(
                remaining,
                amount=self._wanted,
                rules=self._rules,
                ledger=_ledger(current),
                at=self._request.at,
            )
            if not plan.grants:
                break
            self._tried.update(_key(grant.task) for grant in plan.grants)
            retry = await self._attempt(plan, stored, current)
            remaining = [task for task in remaining if _key(task) not in self._tried]
            if not retry:
                break
        self._throttled.update(plan.throttled)
        return plan.blocked

    async def _reclaimed(
        self, stored: dict[LimiterScope, LimiterRecord]
    ) -> dict[LimiterScope, LimiterRecord]:
        """``stored`` with stale holders dropped from the concurrency limiters that are full."""
        full = [
            record
            for scope, record in stored.items()
            if record.holders
            and (limit := self._rules.concurrency_of(scope)) is not None
            and scope.limit is LimitKind.CONCURRENCY
            and len(record.holders) >= limit
        ]
        if not full:
            return stored
        live = await live_holders(
            full, self._parts.get_tasks, at=self._request.at, pending_grace=self._request.flow.pending_grace
        )
        cleaned = {
            record.scope: record.without(
                {holder.token for holder in record.holders if holder.token not in live}
            )
            for record in full
        }
        return {**stored, **cleaned}

    async def _attempt(
        self,
        plan: ClaimPlan,
        stored: dict[LimiterScope, LimiterRecord],
        current: dict[LimiterScope, LimiterRecord],
    ) -> bool:
        """Take the plan's slots, then claim; True when a lost write makes another attempt worth it."""
        grants = self._transitions(plan.grants)
        updated = self._taken(plan, grants, current)
        changes = [(stored[scope], record) for scope, record in updated.items() if record != stored[scope]]
        results = await self._parts.limiters.write(changes)
        lost = {
            previous.scope for (previous, _), result in zip(changes, results, strict=True) if result is None
        }
        covered = [(grant, pair) for grant, pair in grants if not lost.intersection(_all_scopes(grant))]
        uncovered = [(grant, pair) for grant, pair in grants if lost.intersection(_all_scopes(grant))]
        await self._give_back(uncovered, skip=lost)
        for grant, _ in uncovered:
            self._tried.discard(_key(grant.task))  # its limiter lost, not the task: worth another try
        conflicts = await self._claim_covered(covered)
        return bool(lost or conflicts)

    def _taken(
        self,
        plan: ClaimPlan,
        grants: Sequence[tuple[Grant, tuple[Task, Task]]],
        current: dict[LimiterScope, LimiterRecord],
    ) -> dict[LimiterScope, LimiterRecord]:
        """``current`` with the grants' holders added and the plan's buckets, less the tokens of grants
        the domain refused."""
        updated = dict(current)
        for grant, (previous, claimed) in grants:
            assert previous.metadata.version is not None
            assert claimed.lease_token is not None
            holder = Holder(
                previous.queue, previous.id, claimed.lease_token, previous.metadata.version, self._request.at
            )
            for scope in grant.concurrency:
                updated[scope] = updated[scope].with_holders([holder])
        accepted = {_key(grant.task) for grant, _ in grants}
        refused = Counter(
            scope for grant in plan.grants if _key(grant.task) not in accepted for scope in grant.rate
        )
        for scope, bucket in plan.buckets.items():
            rate = self._rules.rate_of(scope)
            kept = bucket.refunded(refused[scope], rate) if refused[scope] and rate is not None else bucket
            updated[scope] = replace(updated[scope], bucket=kept)
        return updated

    async def _claim_covered(self, covered: Sequence[tuple[Grant, tuple[Task, Task]]]) -> int:
        """The task writes of grants whose slots were taken; losers give their slots back. Conflicts."""
        if not covered:
            return 0
        window = [pair for _, pair in covered]
        settled = settle_window(window, await self._parts.write(window))
        self._won(settled.won)
        self._conflicts += settled.conflicts
        self._failures += settled.failures
        lost_tasks = {_key(previous) for previous, _ in settled.lost}
        await self._give_back(
            [(grant, pair) for grant, pair in covered if _key(pair[0]) in lost_tasks], skip=set()
        )
        return settled.conflicts

    def _transitions(self, grants: Sequence[Grant]) -> list[tuple[Grant, tuple[Task, Task]]]:
        found = []
        for grant in grants:
            try:
                found.append((grant, (grant.task, self._claim(grant.task))))
            except TasquesError:
                continue  # the domain refused (a stale hit); its slots were never taken
        return found

    async def _give_back(
        self, grants: Sequence[tuple[Grant, tuple[Task, Task]]], *, skip: set[LimiterScope]
    ) -> None:
        """Remove these claims' holders and refund their tokens, except in ``skip`` (scopes whose write
        lost, so nothing was taken there). Best effort: a holder left behind is
        reclaimed as stale, a token left out only lowers the rate for a moment."""
        tokens: dict[LimiterScope, set[str]] = {}
        refunds: Counter[LimiterScope] = Counter()
        for grant, (_, claimed) in grants:
            for scope in grant.concurrency:
                if scope not in skip and claimed.lease_token is not None:
                    tokens.setdefault(scope, set()).add(claimed.lease_token)
            refunds.update(scope for scope in grant.rate if scope not in skip)
        if not tokens and not refunds:
            return

        def give_back(record: LimiterRecord) -> LimiterRecord:
            rate = self._rules.rate_of(record.scope)
            if record.scope in refunds and record.bucket is not None and rate is not None:
                record = replace(record, bucket=record.bucket.refunded(refunds[record.scope], rate))
            return record.without(tokens.get(record.scope, set()))

        try:
            await self._parts.limiters.change(
                [*tokens, *refunds], give_back, attempts=self._request.flow.limiter_retries + 1
            )
        except StoreUnavailable as error:
            logger.warning("claim: could not give back %d limiter slots: %s", len(grants), error)


def _all_scopes(grant: Grant) -> set[LimiterScope]:
    return {*grant.concurrency, *grant.rate}


def _ledger(records: dict[LimiterScope, LimiterRecord]) -> LimiterLedger:
    return LimiterLedger(
        held={
            scope: len(record.holders)
            for scope, record in records.items()
            if scope.limit is LimitKind.CONCURRENCY
        },
        buckets={scope: record.bucket for scope, record in records.items() if record.bucket is not None},
    )
