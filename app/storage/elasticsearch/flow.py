"""Flow control's store methods on Elasticsearch: the claim pass's candidate search and parts, slot
releases, capability sets and the count of tasks no live worker can take.

Capability sets are documents ``capabilities|<sha256 of the sorted set>`` in ``{prefix}flow_control``
holding the set and ``seen_at``, written with a plain ``index`` (last write wins: servers only ever move
it forward, give or take clock skew). ``unclaimable_counts`` searches them (near-real-time) and then
counts, per queue, waiting tasks with requirements that none of the recent sets covers (one
``terms_set`` per set in a ``must_not``).
"""

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from random import Random
from typing import Any

from app.domain.flow import LimiterScope, LimitKind, ScopeKind
from app.domain.states import CLAIMABLE_STATES
from app.domain.task import Task
from app.storage.documents import format_stored_time
from app.storage.elasticsearch.claim import (
    MAX_CANDIDATES,
    Narrowing,
    WriteBatch,
    candidate_search,
    capabilities_clause,
    claimable_candidates,
    unpaused,
)
from app.storage.elasticsearch.claim_stripes import WHOLE
from app.storage.elasticsearch.claimer_membership import ClaimerMembership
from app.storage.elasticsearch.engine import EngineError, SearchEngine
from app.storage.elasticsearch.errors import shards_starting, translated_errors
from app.storage.elasticsearch.flow_claim import CandidatePage, FlowClaimParts
from app.storage.elasticsearch.flow_limiters import GetTasks, LimiterRecord, LimiterRecords
from app.storage.elasticsearch.indices import IndexNames
from app.storage.elasticsearch.known_documents import KnownDocuments
from app.storage.elasticsearch.recent_writes import RecentWrites
from app.storage.elasticsearch.writes import response_version
from app.storage.flow_planning import KeyRotation
from app.storage.port import ClaimRequest

RELEASE_ATTEMPTS = 10
MAX_CAPABILITY_SETS = 1_000
# A contended store over-fetches this many times more, so that servers sampling their windows from the
# same search rarely pick the same tasks (``claim.sample_spread``).
CONTENDED_WIDENING = 4
# With n servers claiming, a server's own stripe is about 1/n of the hits: over-fetching at least this
# many times n times the amount lets it usually fill a claim from its stripe alone.
STRIPE_HEADROOM = 2


class ElasticsearchFlowMethods:
    _client: SearchEngine
    names: IndexNames
    _claim_search_multiplier: int
    _random: Random
    _rotation: KeyRotation
    _recent_writes: RecentWrites
    _known_documents: KnownDocuments
    _membership: ClaimerMembership

    @property
    def _limiters(self) -> LimiterRecords:
        return LimiterRecords(self._client, self.names.flow_control)

    async def _flow_claim_parts(
        self, request: ClaimRequest, *, write: WriteBatch, get_tasks: GetTasks
    ) -> FlowClaimParts:
        async def search(narrowing: Narrowing, excluded: frozenset[str], size: int) -> CandidatePage:
            return await self._candidate_page(request, narrowing, excluded, size)

        # A claim naming only paused queues sends nothing, not even a heartbeat: it claims nothing.
        searches = unpaused(request.queues, request.excluded_queues) is not None
        stripe = await self._membership.stripe() if searches else WHOLE
        contended = self._others_claim()
        if stripe.count > 1:
            # The stripes already keep the servers' first windows apart; widening on top made every
            # claim fetch and decode 20 times its amount, which cost more than the collisions it saved.
            multiplier = max(self._claim_search_multiplier, STRIPE_HEADROOM * stripe.count)
        else:
            multiplier = self._claim_search_multiplier * (CONTENDED_WIDENING if contended else 1)
        return FlowClaimParts(
            contended=contended,
            search=search,
            write=write,
            limiters=self._limiters,
            get_tasks=get_tasks,
            rotation=self._rotation,
            random=self._random,
            multiplier=multiplier,
            in_flight=self._recent_writes.in_flight,
            stripe=stripe,
            # Limited claims check their whole page in the search instead: the limiter plan comes first.
            fresh=self._unchanged if contended and request.flow.rules.empty else None,
        )

    async def _candidate_page(
        self, request: ClaimRequest, narrowing: Narrowing, excluded: frozenset[str], size: int
    ) -> CandidatePage:
        queues = unpaused(request.queues, excluded)
        if queues is None:
            return CandidatePage(tasks=[], complete=True)
        search = candidate_search(
            self.names,
            queues,
            at=request.at,
            size=size,
            excluded=excluded,
            narrowing=narrowing,
            hidden=self._recent_writes.hidden(queues),
        )
        with translated_errors("claim search"):
            try:
                response = await self._client.search(**search)
            except EngineError as error:
                if not shards_starting(error):
                    raise
                # A queue index whose primary is still being allocated: nothing is claimable there yet.
                return CandidatePage(tasks=[], complete=True)
        hits = response.get("hits", {}).get("hits", [])  # filter_path drops an empty list
        keys = [str(bucket["key"]["key"]) for bucket in _key_buckets(response)]
        searched = claimable_candidates(hits, at=request.at, parse=self._known_documents.task)
        candidates = self._recent_writes.without_stale(searched)
        passed_stale = len(candidates) < len(searched)
        if self._others_claim() and not request.flow.rules.empty:
            candidates = await self._unchanged(candidates)
        return CandidatePage(
            tasks=candidates,
            complete=len(hits) < min(size, MAX_CANDIDATES),
            passed_stale=passed_stale,
            keys=keys,
            # A short list reached the last key: the next claim starts from the first again.
            keys_after=keys[-1] if narrowing.key_window and len(keys) >= narrowing.key_window else "",
        )

    def _others_claim(self) -> bool:
        """Other servers take from the same candidates: they are live claimers (membership), or one won
        a compare-and-swap against this store lately. Either way claims spread out and check freshness
        from their first window on: a store that waited for a lost write to learn of a server that had
        just started claimed first windows in order, as every other such store did, and lost them."""
        return len(self._membership.live) > 1 or self._recent_writes.contended()

    async def _unchanged(self, candidates: list[Task]) -> list[Task]:
        """The candidates whose current version (realtime, not a refresh behind) is the one searched;
        the others were taken by another server since the last refresh and are remembered as lost."""
        if not candidates:
            return candidates
        docs = [{"_index": self.names.queue(task.queue), "_id": task.id} for task in candidates]
        with translated_errors("claim freshness check"):
            response = await self._client.mget(docs=docs, realtime=True, _source=False)
        unchanged = []
        for task, doc in zip(candidates, response["docs"], strict=True):
            searched = task.metadata.version
            if doc.get("found") and searched is not None and response_version(doc) == searched:
                unchanged.append(task)
            else:
                self._recent_writes.lost(task)
        return unchanged

    async def release_claims(self, tasks: Sequence[Task]) -> None:
        tokens: dict[LimiterScope, set[str]] = {}
        for task in tasks:
            if not task.lease_token:
                continue
            scopes = [LimiterScope(LimitKind.CONCURRENCY, ScopeKind.QUEUE, task.queue)]
            if task.concurrency_key is not None:
                scopes.append(LimiterScope(LimitKind.CONCURRENCY, ScopeKind.KEY, task.concurrency_key))
            for scope in scopes:
                tokens.setdefault(scope, set()).add(task.lease_token)

        def released(record: LimiterRecord) -> LimiterRecord | None:
            return record.without(tokens[record.scope]) if record.version is not None else None

        await self._limiters.change(tokens, released, attempts=RELEASE_ATTEMPTS)

    async def record_capabilities(self, capabilities: frozenset[str], *, at: datetime) -> None:
        if not capabilities:
            return
        listed = sorted(capabilities)
        digest = hashlib.sha256(json.dumps(listed).encode()).hexdigest()
        document = {"kind": "capabilities", "capabilities": listed, "seen_at": format_stored_time(at)}
        with translated_errors("record capabilities"):
            await self._client.index(
                index=self.names.flow_control, id=f"capabilities|{digest}", document=document
            )

    async def unclaimable_counts(self, *, seen_since: datetime) -> dict[str, int]:
        with translated_errors("unclaimable counts"):
            seen = await self._client.search(
                index=self.names.flow_control,
                size=MAX_CAPABILITY_SETS,
                query={
                    "bool": {
                        "filter": [
                            {"term": {"kind": "capabilities"}},
                            {"range": {"seen_at": {"gte": format_stored_time(seen_since)}}},
                        ]
                    }
                },
            )
            sets = [frozenset(hit["_source"]["capabilities"]) for hit in seen["hits"]["hits"]]
            response = await self._client.search(**_unclaimable_search(self.names, sets))
        buckets = response.get("aggregations", {}).get("queues", {}).get("buckets", [])
        return {str(bucket["key"]): int(bucket["doc_count"]) for bucket in buckets}


def _key_buckets(body: dict[str, Any]) -> list[dict[str, Any]]:
    buckets: list[dict[str, Any]] = body.get("aggregations", {}).get("keys", {}).get("buckets", [])
    return buckets


def _unclaimable_search(names: IndexNames, sets: Sequence[frozenset[str]]) -> dict[str, Any]:
    return {
        "index": names.all_queues,
        "ignore_unavailable": True,
        "allow_no_indices": True,
        "size": 0,
        "track_total_hits": False,
        "query": {
            "bool": {
                "filter": [
                    {"terms": {"state": sorted(state.value for state in CLAIMABLE_STATES)}},
                    {"range": {"remaining_attempts": {"gt": 0}}},
                    {"exists": {"field": "required_capabilities"}},
                ],
                "must_not": [capabilities_clause(capabilities) for capabilities in sets],
            }
        },
        "aggs": {"queues": {"terms": {"field": "queue", "size": 10_000}}},
    }
