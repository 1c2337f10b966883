"""Flow control, the services' side: what claims obey, slot releases, capability sightings.

The limits are enforced by the store at claim time (``app.storage.port``: SQLite inside its claim
transaction, Elasticsearch with limiter records changed by compare-and-swap), so they hold across every
server sharing the store; nothing here counts in memory. The services add three things:

* ``options`` turns the ``tasks.flow_control`` settings into the ``FlowOptions`` each claim carries.
* ``released`` is called after a compare-and-swap moved a task out of CLAIMED (done, failed, unclaimed,
  cancelled by its worker, handed back on disconnect): it frees the task's concurrency slots at once.
  Only an optimisation on Elasticsearch (the next claim that finds a limit full reclaims stale
  slots itself, which is how the reaper's timeouts, batch finishes and admin actions free theirs) and
  a no-op on SQLite. A failure to release is logged, never raised: the change it follows has happened.
* ``saw`` records a claimer's declared capability set in the store at most once per
  ``capabilities_record_interval`` per set on this server, so ``GET /queues`` can count waiting tasks
  no recently seen worker could take. The throttle is in-process (per server); the record is shared.
"""

import logging
from datetime import datetime

from app.clock import Clock
from app.domain.errors import TasquesError
from app.domain.states import TaskState
from app.domain.task import Task
from app.services.policies import FlowControlSettings
from app.storage.port import FlowOptions, TaskStore

logger = logging.getLogger(__name__)

_SIGHTINGS_REMEMBERED = 1_000


class FlowControl:
    def __init__(self, settings: FlowControlSettings, *, store: TaskStore, clock: Clock) -> None:
        self.settings = settings
        self.options = FlowOptions(
            rules=settings.rules(),
            fairness_window=settings.fairness_window,
            pending_grace=settings.pending_claim_grace,
            limiter_retries=settings.limiter_retry_times,
        )
        self._store = store
        self._clock = clock
        self._sightings: dict[frozenset[str], float] = {}

    def holds_slots(self, task: Task) -> bool:
        """Whether a claim of ``task`` takes a concurrency slot under the current rules."""
        return bool(self.options.rules.concurrency_scopes(task.queue, task.concurrency_key))

    async def released(self, previous: Task, current: Task) -> None:
        """``previous`` -> ``current`` was stored; free ``previous``'s slots if it left its lease."""
        left = previous.state is TaskState.CLAIMED and (
            current.state is not TaskState.CLAIMED or current.lease_token != previous.lease_token
        )
        if left and self.holds_slots(previous):
            await self.release([previous])

    async def release(self, tasks: list[Task]) -> None:
        limited = [task for task in tasks if self.holds_slots(task)]
        if not limited:
            return
        try:
            await self._store.release_claims(limited)
        except TasquesError as error:
            logger.warning(
                "could not release %d concurrency slots (reclaimed later): %s", len(limited), error
            )

    async def saw(self, capabilities: frozenset[str] | None) -> None:
        if not capabilities:
            return
        now = self._clock.monotonic()
        last = self._sightings.get(capabilities)
        if last is not None and now - last < self.settings.capabilities_record_interval.total_seconds():
            return
        self._remember(capabilities, now)
        try:
            await self._store.record_capabilities(capabilities, at=self._clock.now_utc())
        except TasquesError as error:
            logger.warning("could not record capability set %s: %s", sorted(capabilities), error)

    def _remember(self, capabilities: frozenset[str], now: float) -> None:
        self._sightings.pop(capabilities, None)
        self._sightings[capabilities] = now
        while len(self._sightings) > _SIGHTINGS_REMEMBERED:
            del self._sightings[next(iter(self._sightings))]

    async def unclaimable_counts(self) -> dict[str, int]:
        """Per queue, waiting tasks no capability set seen within ``capabilities_live_for`` covers."""
        seen_since: datetime = self._clock.now_utc() - self.settings.capabilities_live_for
        return await self._store.unclaimable_counts(seen_since=seen_since)
