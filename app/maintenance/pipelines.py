"""Pipeline advancer: each pass moves one page of running pipelines forward (``PipelineAdvancer``).

There is no fast path: a step enqueued because its predecessor finished waits for the next pass, so a
chain adds up to one ``interval`` of latency per step. Keeping the decision in one leader-only loop is
what makes it crash-safe and keeps it off the finish path of every task.
"""

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from app.domain.durations import GoDuration
from app.maintenance.periodic import PassResult
from app.services.pipelines_advance import PipelineAdvancer


class PipelineSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    interval: GoDuration = timedelta(milliseconds=500)
    page_size: int = Field(default=200, ge=1, le=10_000)


class PipelineRunner:
    name = "pipelines"

    def __init__(self, advancer: PipelineAdvancer, *, settings: PipelineSettings) -> None:
        self._advancer = advancer
        self.interval = settings.interval

    async def run_once(self) -> PassResult:
        report = await self._advancer.advance_page()
        summary = (
            f"{report.pipelines} running pipelines looked at: created {report.created} tasks "
            f"({report.duplicates} existed already), finished {report.finished}, "
            f"{report.conflicts} changed meanwhile"
        )
        if report.errors:
            summary += f"; errors: {'; '.join(report.errors[:5])}"
        return PassResult(work_done=report.work_done, summary=summary)
