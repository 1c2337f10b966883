"""Which servers are claiming from this cluster now, so that they can split the candidates (``claim_stripes``).

Each store writes a heartbeat document ``claimer|<its id>`` (``kind: claimer``, ``seen_at``) to the
``{prefix}flow_control`` index, whose mapping already has both fields, and reads the others with a
search. Beats happen on the claim path, at most once per ``interval``: a server that stopped claiming
drops out after ``liveness`` (three intervals) like a dead one, and its stripe goes to the rest. The
beat is written with a refresh, so the next search anywhere sees it. Until every server has beaten
again after a newcomer's first beat, two servers may disagree on the count and collide, which costs
409s, never correctness (every claim is a compare-and-swap). So the views converge fast: claims wait
for a server's first beat instead of claiming as if alone; after a first beat, or one whose view
changed, the next is due a quarter interval later (``RECHECKS_PER_INTERVAL``); and a claim that lost
writes brings the next beat forward the same way (``recheck_soon``). With four servers started
together and claiming 10,000 tasks at once, 20 % of claim writes were lost while each waited for its
regular beat; with these, 2-3 %, as in steady state. A beat that fails keeps the last view: membership
only steers the order of writes.
Liveness compares wall-clock ``seen_at`` across servers, so clock skew beyond the window makes a live
server look dead (again only collisions).
"""

import asyncio
import logging
from datetime import timedelta
from uuid import uuid4

from app.clock import Clock, SystemClock
from app.domain.errors import StoreUnavailable
from app.storage.documents import format_stored_time
from app.storage.elasticsearch.claim_stripes import Stripe
from app.storage.elasticsearch.engine import EngineError, EngineNotFound, EngineUnreachable, SearchEngine
from app.storage.elasticsearch.errors import translated_errors

logger = logging.getLogger(__name__)

KIND = "claimer"
DEFAULT_INTERVAL = timedelta(seconds=2)
# Three beats: one late beat (a busy node, a slow refresh) does not split the stripes differently.
MISSED_BEATS = 3
MAX_CLAIMERS = 1_000
RECHECKS_PER_INTERVAL = 4


class ClaimerMembership:
    def __init__(
        self,
        client: SearchEngine,
        index: str,
        *,
        clock: Clock | None = None,
        interval: timedelta = DEFAULT_INTERVAL,
        claimer_id: str | None = None,
    ) -> None:
        self.claimer_id = claimer_id or uuid4().hex
        self._client = client
        self._index = index
        self._clock = clock or SystemClock()
        self._interval = interval
        self._live: tuple[str, ...] = (self.claimer_id,)
        self._next_beat: float | None = None
        self._last_beat: float | None = None
        self._seen_once = False
        self._beating = asyncio.Lock()

    @property
    def live(self) -> tuple[str, ...]:
        """The claimers seen within the liveness window at the last beat, this one included, sorted."""
        return self._live

    async def stripe(self) -> Stripe:
        """This server's stripe, after a beat when one is due. Concurrent claims do not queue behind a
        beat in progress: they use the view it is about to replace, except behind the first, since
        before it the view counts this server alone and a claim would take everyone's stripes."""
        due = self._next_beat is None or self._clock.monotonic() >= self._next_beat
        if due and not self._beating.locked():
            await self.beat()
        elif not self._seen_once:
            async with self._beating:
                pass
        return Stripe(index=self._live.index(self.claimer_id), count=len(self._live))

    def recheck_soon(self) -> None:
        """Claim writes were lost, maybe to a server this view does not count yet: the next beat is due
        once ``interval / RECHECKS_PER_INTERVAL`` has passed since the last one, not a whole interval."""
        if self._last_beat is None or self._next_beat is None:
            return
        soon = self._last_beat + self._interval.total_seconds() / RECHECKS_PER_INTERVAL
        self._next_beat = min(self._next_beat, soon)

    async def beat(self) -> None:
        """Write this claimer's heartbeat and read who else beat within the liveness window."""
        async with self._beating:
            self._last_beat = self._clock.monotonic()
            self._next_beat = self._last_beat + self._interval.total_seconds()
            try:
                await self._write_heartbeat()
                others = await self._recent_claimers()
            except StoreUnavailable as error:
                logger.warning("claimer heartbeat failed, keeping %d claimers: %s", len(self._live), error)
                return
            seen = tuple(sorted({self.claimer_id, *others}))
            if seen != self._live or not self._seen_once:
                # Servers that start together, or a view that just changed: the others may not all have
                # beaten since, so look again soon instead of a whole interval later.
                self.recheck_soon()
            self._seen_once = True
            self._live = seen

    async def leave(self) -> None:
        """Remove the heartbeat so the others take over this stripe at their next beat, not after the
        liveness window; best effort (a server that dies without leaving times out instead)."""
        if self._next_beat is None:
            return
        try:
            await self._client.delete(index=self._index, id=self._document_id(self.claimer_id))
        except EngineNotFound:
            return
        except (EngineError, EngineUnreachable) as error:
            logger.warning("claimer heartbeat not removed: %s", error)

    async def _write_heartbeat(self) -> None:
        document = {"kind": KIND, "seen_at": format_stored_time(self._clock.now_utc())}
        with translated_errors("claimer heartbeat"):
            await self._client.index(
                index=self._index, id=self._document_id(self.claimer_id), document=document, refresh=True
            )

    async def _recent_claimers(self) -> list[str]:
        oldest = self._clock.now_utc() - self._interval * MISSED_BEATS
        with translated_errors("claimer membership"):
            response = await self._client.search(
                index=self._index,
                size=MAX_CLAIMERS,
                _source=False,
                track_total_hits=False,
                query={
                    "bool": {
                        "filter": [
                            {"term": {"kind": KIND}},
                            {"range": {"seen_at": {"gte": format_stored_time(oldest)}}},
                        ]
                    }
                },
            )
        prefix = self._document_id("")
        return [hit["_id"].removeprefix(prefix) for hit in response["hits"]["hits"]]

    @staticmethod
    def _document_id(claimer_id: str) -> str:
        return f"{KIND}|{claimer_id}"
