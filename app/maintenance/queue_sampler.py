"""The leader's queue sampler: one sample per queue each pass (``app.services.queue_sampling``), and
samples older than ``retention`` pruned.

Sampling more often than once a minute keeps every minute covered despite pass jitter; a later pass in
the same minute replaces that minute's sample, so the store holds at most one per queue and minute.
"""

from datetime import timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from app.clock import Clock
from app.domain.durations import GoDuration
from app.maintenance.periodic import PassResult
from app.services.queue_sampling import QueueSampler
from app.storage.port import QueueSampleStore


class QueueSamplerSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    interval: Annotated[GoDuration, Field(gt=timedelta(0))] = timedelta(seconds=20)
    retention: Annotated[GoDuration, Field(gt=timedelta(0))] = timedelta(hours=24)
    max_claims: int = Field(default=2_000, ge=1, le=100_000)


class QueueSamplerService:
    name = "queue-sampler"

    def __init__(
        self, sampler: QueueSampler, store: QueueSampleStore, *, settings: QueueSamplerSettings, clock: Clock
    ) -> None:
        self.interval = settings.interval
        self._sampler = sampler
        self._store = store
        self._retention = settings.retention
        self._clock = clock

    async def run_once(self) -> PassResult:
        samples = await self._sampler.sample()
        pruned = await self._store.prune_queue_samples(before=self._clock.now_utc() - self._retention)
        # Sampling is routine; only pruning is worth a log line.
        return PassResult(pruned, f"sampled {len(samples) - 1} queues, pruned {pruned} old samples")
