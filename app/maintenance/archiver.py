"""Archiver: moves DONE/DEAD tasks older than ``archive_after`` out of the live store, then prunes dedup
records past the dedup window and (where the store has no retention of its own) archived tasks past
the retention period."""

from datetime import timedelta
from typing import Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.clock import Clock
from app.domain.durations import GoDuration
from app.maintenance.periodic import PassResult
from app.storage.port import EventStore, MaintenanceStore


class ArchiverSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    interval: GoDuration = timedelta(minutes=1)
    archive_after: GoDuration = timedelta(hours=24)
    batch_size: int = Field(default=500, ge=1, le=10_000)
    # Idempotency keys of archived tasks keep refusing duplicates this long after archiving.
    dedup_window: GoDuration = timedelta(days=7)
    # How long archived tasks are kept (SQLite; Elasticsearch uses its ILM delete phase instead).
    retention: GoDuration = timedelta(days=30)
    # How long attempt history is kept (SQLite; Elasticsearch uses the events ILM policy instead).
    history_retention: GoDuration = timedelta(days=90)

    @model_validator(mode="after")
    def _dedup_within_retention(self) -> "ArchiverSettings":
        if self.dedup_window > self.retention:
            raise ValueError("dedup_window must not exceed retention")
        return self


class ArchiverStore(MaintenanceStore, EventStore, Protocol):
    """Archiving moves tasks and prunes archived tasks, dedup records and old history."""


class Archiver:
    name = "archiver"

    def __init__(
        self,
        store: ArchiverStore,
        *,
        settings: ArchiverSettings,
        clock: Clock,
        store_keeps_retention: bool,
    ) -> None:
        self._store = store
        self._settings = settings
        self._clock = clock
        self._store_keeps_retention = store_keeps_retention
        self.interval = settings.interval

    async def run_once(self) -> PassResult:
        at = self._clock.now_utc()
        outcome = await self._store.archive_finished(
            finished_before=at - self._settings.archive_after, at=at, limit=self._settings.batch_size
        )
        pruned = await self._store.prune_archive(
            archived_before=None if self._store_keeps_retention else at - self._settings.retention,
            dedup_before=at - self._settings.dedup_window,
            limit=self._settings.batch_size,
        )
        pruned += await self._store.prune_events(
            before=at - self._settings.history_retention, limit=self._settings.batch_size
        )
        return PassResult(
            work_done=outcome.archived + pruned,
            summary=f"archived {outcome.archived} tasks ({outcome.skipped} changed first); pruned {pruned}",
        )
