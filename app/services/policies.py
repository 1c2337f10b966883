"""Task defaults and limits, per server with per-queue overrides. ``app.config`` embeds these models."""

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from app.domain.backoff import BackoffPolicy
from app.domain.durations import GoDuration


class QueueOverrides(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    retry_times: int | None = Field(default=None, ge=0)
    processing_timeout: GoDuration | None = None
    backoff: BackoffPolicy | None = None


class TaskDefaults(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    retry_times: int = Field(default=25, ge=0)
    processing_timeout: GoDuration = timedelta(minutes=30)
    backoff: BackoffPolicy = BackoffPolicy()
    claim_amount: int = Field(default=1, ge=1)
    block_for: GoDuration = timedelta(seconds=3)
    # GET .../result answers 404 once a finished task's result is older than this.
    result_ttl: GoDuration = timedelta(hours=24)


class TaskLimits(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    max_block_for: GoDuration = timedelta(minutes=5)
    max_claim_amount: int = Field(default=1000, ge=1)
    max_batch_size: int = Field(default=1000, ge=1)
    max_page_size: int = Field(default=1000, ge=1, le=10_000)
    # A pause made through one server reaches claimers on the others within this.
    paused_refresh_interval: GoDuration = timedelta(seconds=1)
    # How often a blocked claim re-checks the store for tasks enqueued through other servers.
    claim_recheck_interval: GoDuration = timedelta(milliseconds=200)
    version_conflict_retry_times: int = Field(default=50, ge=0)
    # Heartbeats enter the attempt history at most once per this interval per attempt.
    report_history_interval: GoDuration = timedelta(seconds=30)
    # Enqueue-and-wait: the longest ?wait= accepted, and how often a waiter re-reads the store for
    # tasks finished through other servers.
    max_wait: GoDuration = timedelta(minutes=5)
    wait_recheck_interval: GoDuration = timedelta(milliseconds=250)


class TaskPolicies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    defaults: TaskDefaults = TaskDefaults()
    queues: dict[str, QueueOverrides] = Field(default_factory=dict)
    limits: TaskLimits = TaskLimits()

    def retry_times_for(self, queue: str) -> int:
        override = self.queues.get(queue)
        if override and override.retry_times is not None:
            return override.retry_times
        return self.defaults.retry_times

    def processing_timeout_for(self, queue: str) -> timedelta:
        override = self.queues.get(queue)
        if override and override.processing_timeout is not None:
            return override.processing_timeout
        return self.defaults.processing_timeout

    def backoff_for(self, queue: str) -> BackoffPolicy:
        override = self.queues.get(queue)
        if override and override.backoff is not None:
            return override.backoff
        return self.defaults.backoff
