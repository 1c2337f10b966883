"""Recurring scheduler: each pass fires every due schedule through ``RecurringFires``."""

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from app.clock import Clock
from app.domain.durations import GoDuration
from app.maintenance.periodic import PassResult
from app.services.recurring_fires import RecurringFires


class SchedulerSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    interval: GoDuration = timedelta(seconds=1)
    max_fires_per_pass: int = Field(default=100, ge=1, le=10_000)
    max_backfill_fires: int = Field(default=1000, ge=1, le=100_000)


class RecurringScheduler:
    name = "recurring-scheduler"

    def __init__(self, fires: RecurringFires, *, settings: SchedulerSettings, clock: Clock) -> None:
        self._fires = fires
        self._clock = clock
        self.interval = settings.interval

    async def run_once(self) -> PassResult:
        report = await self._fires.fire_due(at=self._clock.now_utc())
        summary = (
            f"enqueued {report.enqueued}, skipped {report.skipped}, buffered {report.buffered}, "
            f"missed {report.missed} (outside catch-up), paused {report.paused}, duplicates {report.duplicates}"
        )
        if report.errors:
            summary += f"; errors: {'; '.join(report.errors[:5])}"
        return PassResult(work_done=report.work_done + len(report.errors), summary=summary)
