"""Claiming: a candidate search, then windows of conditional writes until enough are won.

See the package docstring for the walk order and why top-ups are spread out.
"""

import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from random import Random
from typing import Any
from urllib.parse import quote

from app.domain.errors import StoreUnavailable, TasquesError
from app.domain.states import CLAIMABLE_STATES
from app.domain.task import Task
from app.storage.documents import format_stored_time
from app.storage.elasticsearch.bulk import BulkItem
from app.storage.elasticsearch.claim_stripes import WHOLE, Stripe
from app.storage.elasticsearch.claims_in_flight import ClaimsInFlight
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.recent_writes import hidden_clauses
from app.storage.elasticsearch.search_text import DERIVED_SEARCH_FIELDS
from app.storage.elasticsearch.writes import with_version
from app.storage.port import ClaimOutcome

logger = logging.getLogger(__name__)

# ES refuses ``from + size`` beyond ``index.max_result_window`` (10,000 unless raised).
MAX_CANDIDATES = 10_000
# ES refuses request lines beyond ``http.max_initial_line_length`` (4kB by default).
MAX_INDEX_LIST_CHARS = 2_000

WriteBatch = Callable[[list[tuple[Task, Task]]], Awaitable[list[BulkItem]]]
FreshnessCheck = Callable[[list[Task]], Awaitable[list[Task]]]
"""The tasks of a window whose current version is still the searched one (``flow``)."""


def _search_target(names: IndexNames, queues: tuple[str, ...]) -> tuple[list[str], list[dict[str, Any]]]:
    """Indices to search, plus a queue filter when naming them all would make the URL too long."""
    indices = names.queues(queues)
    if len(quote(",".join(indices), safe=",*")) <= MAX_INDEX_LIST_CHARS:
        return indices, []
    return [names.all_queues], [{"terms": {"queue": sorted(set(queues))}}]


def unpaused(queues: tuple[str, ...], excluded: frozenset[str]) -> tuple[str, ...] | None:
    """The requested queues minus the excluded ones; None when every requested queue is excluded (there
    is nothing to search). An empty request (every queue) stays empty: the search filters instead."""
    if not queues or not excluded:
        return queues
    left = tuple(queue for queue in queues if queue not in excluded)
    return left or None


@dataclass(frozen=True, slots=True, kw_only=True)
class Narrowing:
    """Flow control's part of a candidate search."""

    capabilities: frozenset[str] | None = None
    """What the claimer declared: only tasks whose required capabilities it covers."""
    excluded: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Field (``concurrency_key``, ``rate_limit_key``) -> values at their limit, left out."""
    keys: tuple[str, ...] = ()
    """When set, only tasks with one of these concurrency keys."""
    key_window: int = 0
    """When positive, also list up to this many concurrency keys with claimable tasks (a
    ``composite`` aggregation, in key order): the keys a fair claim rotates over."""
    keys_after: str = ""
    """Where that list starts: after the last key the previous claim listed, so that with more keys
    than the window every key still comes up in turn."""


def capabilities_clause(capabilities: frozenset[str] | None) -> dict[str, Any]:
    """Tasks a claimer declaring ``capabilities`` may take: no requirements, or all of them declared.

    ``terms_set`` with ``minimum_should_match_field`` counts how many of the declared terms a task's
    ``required_capabilities`` holds and wants at least ``required_capabilities_count`` (stored with
    the task): every requirement is declared. It needs that field mapped on every searched index,
    which the task template (version 4) and ``setup`` see to."""
    no_requirements = {"bool": {"must_not": [{"exists": {"field": "required_capabilities"}}]}}
    if not capabilities:
        return no_requirements
    covered = {
        "terms_set": {
            "required_capabilities": {
                "terms": sorted(capabilities),
                "minimum_should_match_field": "required_capabilities_count",
            }
        }
    }
    return {"bool": {"should": [no_requirements, covered], "minimum_should_match": 1}}


def _narrowed(narrowing: Narrowing) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Filter and must_not clauses for ``narrowing``."""
    filters = [capabilities_clause(narrowing.capabilities)]
    if narrowing.keys:
        filters.append({"terms": {"concurrency_key": sorted(narrowing.keys)}})
    must_not = [
        {"terms": {name: sorted(values)}} for name, values in sorted(narrowing.excluded.items()) if values
    ]
    return filters, must_not


def _key_aggregation(window: int, after: str) -> dict[str, Any]:
    composite: dict[str, Any] = {
        "size": window,
        "sources": [{"key": {"terms": {"field": "concurrency_key"}}}],
    }
    if after:
        composite["after"] = {"key": after}
    return {"keys": {"composite": composite}}


_CANDIDATE_RESPONSE = [
    *(f"hits.hits.{key}" for key in ("_index", "_id", "_seq_no", "_primary_term", "_source")),
    "aggregations",
]


def candidate_search(
    names: IndexNames,
    queues: tuple[str, ...],
    *,
    at: datetime,
    size: int,
    excluded: frozenset[str] = frozenset(),
    narrowing: Narrowing | None = None,
    hidden: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """``search`` keyword arguments: claimable tasks in claim order, with versions for the CAS.

    ``excluded`` (paused queues, and queues at a limit) becomes a ``must_not``; callers drop excluded
    names from ``queues`` first (``unpaused``) so no paused queue's index is named. ``narrowing``
    defaults to a claimer that declared no capabilities. ``hidden`` (queue -> ids) are tasks this store
    just took that the search may still show as claimable (``recent_writes``)."""
    indices, queue_filter = _search_target(names, queues)
    exclusion = [{"terms": {"queue": sorted(excluded)}}] if excluded else []
    narrowing = narrowing or Narrowing()
    flow_filters, flow_exclusions = _narrowed(narrowing)
    aggregations = (
        {"aggs": _key_aggregation(narrowing.key_window, narrowing.keys_after)}
        if narrowing.key_window > 0
        else {}
    )
    return {
        **aggregations,
        "index": indices,
        "ignore_unavailable": True,
        "allow_no_indices": True,
        "seq_no_primary_term": True,
        "track_total_hits": False,
        "size": min(size, MAX_CANDIDATES),
        # Only what a candidate is built from: the derived search text repeats the args (so it doubled
        # the hits' size for large payloads), and scores, sort values and shard counts go unread.
        "_source": {"excludes": list(DERIVED_SEARCH_FIELDS)},
        "filter_path": _CANDIDATE_RESPONSE,
        "query": {
            "bool": {
                "filter": [
                    *queue_filter,
                    {"terms": {"state": sorted(state.value for state in CLAIMABLE_STATES)}},
                    {"range": {"run_at": {"lte": format_stored_time(at)}}},
                    {"range": {"remaining_attempts": {"gt": 0}}},
                    *flow_filters,
                ],
                "must_not": [*exclusion, *flow_exclusions, *hidden_clauses(hidden or {})],
            }
        },
        # unmapped_type keeps a queue index created before ``setup`` from failing the whole search.
        "sort": [
            {"priority": {"order": "desc", "unmapped_type": "long"}},
            {"run_at": {"order": "asc", "unmapped_type": "date_nanos"}},
            {"last_enqueued_at": {"order": "asc", "unmapped_type": "date_nanos"}},
        ],
    }


def claim_order_key(task: Task) -> tuple[int, datetime, datetime, str, str]:
    return (-task.priority, task.run_at, task.last_enqueued_at, task.queue, task.id)


def claimable_candidates(
    hits: Iterable[dict[str, Any]], *, at: datetime, parse: Callable[[dict[str, Any]], Task]
) -> list[Task]:
    """Parse hits with ``parse`` (``KnownDocuments.task``), keeping those the domain agrees are claimable at
    ``at``.

    The domain check matters where ``run_at`` is mapped as millisecond ``date`` (indices created by
    Go Tasques or before ``setup``): there the filter lets through a task due a few microseconds after
    ``at``. A document that does not parse is skipped with a warning rather than blocking every claim
    behind it.
    """
    candidates = []
    for hit in hits:
        try:
            task = parse(hit)
        except (KeyError, TypeError, ValueError) as error:
            logger.warning(
                "skipping unreadable task document %s/%s: %r", hit.get("_index"), hit.get("_id"), error
            )
            continue
        if task.is_claimable(at=at):
            candidates.append(task)
    return candidates


def _best_priority_run(tasks: Sequence[Task]) -> int:
    """How many tasks at the head of ``tasks`` (in claim order, not empty) share the best priority."""
    best = tasks[0].priority
    return next((index for index, task in enumerate(tasks) if task.priority != best), len(tasks))


def spread_top_up(remaining: Sequence[Task], *, random: Random) -> list[Task]:
    """Visiting order after a lost window: a random start among the hits of the best remaining priority.

    Losing a CAS means another server (or a stale search) is on the same hits; walking on in order
    would march every loser onto the same next window. Spreading only within one priority keeps the
    guarantee that a claim never takes a lower-priority task while a higher one it saw is still free.
    """
    if not remaining:
        return []
    tier = _best_priority_run(remaining)
    start = random.randrange(tier)
    return [*remaining[start:tier], *remaining[:start], *remaining[tier:]]


def sample_spread(candidates: Sequence[Task], *, random: Random) -> list[Task]:
    """Under contention: the hits of the best priority in random order, then the rest in claim order.

    Servers that saw the same search otherwise all write to the same best hits and all but one lose;
    sampling over the whole best-priority tier of a wide over-fetch makes their picks mostly disjoint.
    Priority order still holds; FIFO within a priority is relaxed among the over-fetched hits."""
    if not candidates:
        return []
    tier = _best_priority_run(candidates)
    return [*random.sample(list(candidates[:tier]), tier), *candidates[tier:]]


def _transitions(tasks: Iterable[Task], claim: Callable[[Task], Task]) -> Iterator[tuple[Task, Task]]:
    for task in tasks:
        try:
            yield task, claim(task)
        except TasquesError:
            # The domain refused (e.g. a stale hit); skipping keeps the tasks this run already won.
            continue


async def claim_in_windows(
    candidates: Sequence[Task],
    *,
    amount: int,
    claim: Callable[[Task], Task],
    write: WriteBatch,
    random: Random,
    contended: bool = False,
    in_flight: ClaimsInFlight | None = None,
    stripe: Stripe = WHOLE,
    fresh: FreshnessCheck | None = None,
) -> ClaimOutcome:
    """Claim from ``candidates`` (best first), one bulk per window, topping up after losses; under
    contention the first window is sampled too (``sample_spread``). Hits another claim sharing
    ``in_flight`` is writing are passed over (``claims_in_flight``); with other servers claiming, this
    server's ``stripe`` goes first within each priority (``claim_stripes``). ``fresh`` drops the hits of
    a window that changed since the search before it is written: only what would be written is read."""
    in_flight = in_flight or ClaimsInFlight()
    remaining = stripe.first(sample_spread(candidates, random=random) if contended else candidates)
    claimed: list[Task] = []
    conflicts = 0
    failures: list[str] = []
    while len(claimed) < amount and remaining:
        picked, remaining = in_flight.next_window(remaining, wanted=amount - len(claimed))
        try:
            window = list(_transitions(await fresh(picked) if fresh else picked, claim))
            items = await write(window) if window else []
        except StoreUnavailable:
            if not claimed:
                raise
            # Raising now would strand the tasks already won until the reaper times them out.
            logger.warning("claim top-up failed; returning the %d tasks already claimed", len(claimed))
            break
        finally:
            in_flight.release(picked)
        settled = settle_window(window, items)
        claimed.extend(settled.won)
        conflicts += settled.conflicts
        failures.extend(settled.failures)
        if settled.conflicts:
            remaining = stripe.first(spread_top_up(remaining, random=random))
    report_failures(failures, claimed=len(claimed))
    return ClaimOutcome(claimed=sorted(claimed, key=claim_order_key), conflicts=conflicts)


@dataclass
class SettledWindow:
    won: list[Task] = field(default_factory=list)
    lost: list[tuple[Task, Task]] = field(default_factory=list)
    """Transitions not applied (conflict, vanished or failed): their limiter slots go back."""
    conflicts: int = 0
    failures: list[str] = field(default_factory=list)


def settle_window(window: Sequence[tuple[Task, Task]], items: Sequence[BulkItem]) -> SettledWindow:
    settled = SettledWindow()
    for (previous, updated), item in zip(window, items, strict=True):
        if item.succeeded and item.version is not None:
            settled.won.append(with_version(updated, item.version))
            continue
        settled.lost.append((previous, updated))
        if item.conflicted:
            settled.conflicts += 1
        elif not item.missing:
            settled.failures.append(item.reason)
    return settled


def report_failures(failures: Sequence[str], *, claimed: int) -> None:
    if failures and not claimed:
        # Silence here would hide a cluster that rejects every claim (scripts disabled, read-only index).
        raise StoreUnavailable(f"claim: {len(failures)} writes failed, first: {failures[0]}")
    if failures:
        logger.warning("claim: %d writes failed, first: %s", len(failures), failures[0])
