"""Dead-letter retention: DEAD tasks are removed once they have been dead longer than their queue keeps them.

The dead-letter set is the DEAD tasks; an admin retry re-queues one with fresh attempts. A task's finish
time is ``metadata.modified_at``, set when it died. Its retention is, in order: the ``queues`` entry
naming the queue exactly, else the first ``queues`` pattern (``fnmatch``, case-sensitive) it matches,
else ``retention``; null at any level means keep forever (the precedence of flow-control queue limits).

Archived dead tasks are expired too. The archiver moves DEAD tasks out of the live store after its
``archive_after`` (24h by default), so with any longer retention nearly every dead task is archived by
the time it expires, and a retention that stopped at the live store would not bound how long a dead
task's arguments and errors are kept. The archive's own retention still applies and may end a dead task
sooner. The dedup record archiving left stays until the archiver prunes it; a live dead task that
expires leaves none, as an admin delete. Attempt history is kept by its own retention either way.

One pass removes at most ``batch_size`` tasks, live and archived together, going through the queues by
name. Live deletes are conditional on the version that was read, so a dead task retried meanwhile is
never deleted, even on Elasticsearch where the search can return it as it was before the retry. Archived
tasks are read-only, so their deletes need no such guard.
"""

from datetime import datetime, timedelta
from fnmatch import fnmatchcase
from typing import Annotated, Protocol

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from app.clock import Clock
from app.domain.durations import GoDuration
from app.domain.task import Task
from app.maintenance.periodic import PassResult
from app.storage.port import DeadLetterStore


def _positive(retention: timedelta) -> timedelta:
    if retention <= timedelta(0):
        raise ValueError("a retention must be positive (null keeps dead tasks forever)")
    return retention


Retention = Annotated[GoDuration, AfterValidator(_positive)]


class DeadLetterSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    interval: GoDuration = timedelta(minutes=1)
    batch_size: int = Field(default=500, ge=1, le=10_000)
    retention: Retention | None = None
    queues: dict[str, Retention | None] = Field(default_factory=dict)

    def retention_for(self, queue: str) -> timedelta | None:
        if queue in self.queues:
            return self.queues[queue]
        pattern = next((pattern for pattern in self.queues if fnmatchcase(queue, pattern)), None)
        return self.retention if pattern is None else self.queues[pattern]

    @property
    def expires_anything(self) -> bool:
        return self.retention is not None or any(value is not None for value in self.queues.values())


class DeadLetterActivity(Protocol):
    def dead_tasks_expired(self, queue: str, *, count: int) -> None: ...


class DeadLetterExpirer:
    name = "dead-letter-expirer"

    def __init__(
        self,
        store: DeadLetterStore,
        *,
        settings: DeadLetterSettings,
        clock: Clock,
        activity: DeadLetterActivity,
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._activity = activity
        self.interval = settings.interval

    async def run_once(self) -> PassResult:
        if not self._settings.expires_anything:
            return PassResult(work_done=0, summary="no dead-letter retention configured")
        at = self._clock.now_utc()
        budget = self._settings.batch_size
        live = archived = skipped = 0
        for queue in await self._store.dead_task_queues():
            if budget <= 0:
                break
            retention = self._settings.retention_for(queue)
            if retention is None:
                continue
            deleted, conflicts, pruned = await self._expire(
                queue, finished_before=at - retention, limit=budget
            )
            live, archived, skipped = live + deleted, archived + pruned, skipped + conflicts
            budget -= deleted + conflicts + pruned
        return PassResult(
            work_done=live + archived,
            summary=f"expired {live} dead tasks and {archived} archived ones; {skipped} changed first",
        )

    async def _expire(self, queue: str, *, finished_before: datetime, limit: int) -> tuple[int, int, int]:
        """(live tasks deleted, live tasks that changed first, archived tasks deleted) in ``queue``."""
        found = await self._store.find_dead_tasks(queue=queue, finished_before=finished_before, limit=limit)
        results = await self._store.delete_tasks(found)
        deleted = sum(1 for result in results if isinstance(result, Task))
        pruned = await self._store.prune_archived_dead(
            queue=queue, finished_before=finished_before, limit=limit - len(found)
        )
        if deleted + pruned:
            self._activity.dead_tasks_expired(queue, count=deleted + pruned)
        return deleted, len(results) - deleted, pruned
