"""Task defaults and limits, per server with per-queue overrides. ``app.config`` embeds these models."""

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from app.domain.backoff import BackoffPolicy
from app.domain.durations import GoDuration
from app.domain.flow import FlowLimit, FlowRules, RateLimit


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
    # Distinct queues the store may hold; an enqueue that would create one more gets 400.
    max_queues: int = Field(default=10_000, ge=1, le=10_000)
    # Heartbeats enter the attempt history at most once per this interval per attempt.
    report_history_interval: GoDuration = timedelta(seconds=30)
    # Enqueue-and-wait: the longest ?wait= accepted, and how often a waiter re-reads the store for
    # tasks finished through other servers.
    max_wait: GoDuration = timedelta(minutes=5)
    wait_recheck_interval: GoDuration = timedelta(milliseconds=250)


class RateSettings(BaseModel):
    """``limit`` claims per ``per``; up to ``burst`` (default: ``limit``) at once after a quiet spell."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    limit: int = Field(ge=1)
    per: GoDuration = timedelta(seconds=1)
    burst: int | None = Field(default=None, ge=1)

    def to_rate(self) -> RateLimit:
        return RateLimit(limit=self.limit, per=self.per, burst=self.burst or self.limit)


class FlowLimitSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    # Tasks CLAIMED at once; 0 holds every task back (they stay queued).
    max_concurrency: int | None = Field(default=None, ge=0)
    rate: RateSettings | None = None

    def to_limit(self) -> FlowLimit:
        return FlowLimit(
            max_concurrency=self.max_concurrency, rate=self.rate.to_rate() if self.rate else None
        )


class FlowControlSettings(BaseModel):
    """Claim-time limits (see ``app.domain.flow`` and ``app.services.claims``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # Queue name or fnmatch pattern -> limits, counted per matching queue.
    queues: dict[str, FlowLimitSettings] = Field(default_factory=dict)
    # Key pattern -> limits, counted per distinct key: max_concurrency applies to tasks' concurrency_key,
    # rate to their rate_limit_key.
    keys: dict[str, FlowLimitSettings] = Field(default_factory=dict)
    # How many distinct concurrency keys one claim pass considers when rotating over keys.
    fairness_window: int = Field(default=100, ge=1, le=10_000)
    # Elasticsearch: a concurrency slot taken for a claim whose write has not landed yet is kept this
    # long before another server may reclaim it (a server that died between the two writes).
    pending_claim_grace: GoDuration = timedelta(seconds=30)
    # Elasticsearch: rounds of re-reading limiter records after lost compare-and-swaps, per claim pass.
    limiter_retry_times: int = Field(default=10, ge=0)
    # A server records a worker's declared capability set in the store at most this often...
    capabilities_record_interval: GoDuration = timedelta(seconds=10)
    # ...and a set counts as live (for the "unclaimable" count in GET /queues) this long after.
    capabilities_live_for: GoDuration = timedelta(minutes=5)

    def rules(self) -> FlowRules:
        return FlowRules(
            queues=tuple((pattern, limit.to_limit()) for pattern, limit in self.queues.items()),
            keys=tuple((pattern, limit.to_limit()) for pattern, limit in self.keys.items()),
        )


class TaskPolicies(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    defaults: TaskDefaults = TaskDefaults()
    queues: dict[str, QueueOverrides] = Field(default_factory=dict)
    limits: TaskLimits = TaskLimits()
    flow_control: FlowControlSettings = FlowControlSettings()

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
