"""The Task and its transitions. Each transition validates state and ownership and returns a new Task.

Ownership: a claim starts a lease with a fresh token. A caller that presents a token must present the
current one (else ``LeaseSuperseded``: a timed-out worker is fenced out); a caller without a token gets
Tasques' worker-id check. Timing is not checked here: a task past ``times_out_at`` that the reaper has
not yet processed can still be finished by its current lease holder.
"""

from datetime import datetime, timedelta
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from app.domain.backoff import BackoffPolicy
from app.domain.errors import (
    InvalidTransition,
    LeaseSuperseded,
    NotClaimable,
    NotClaimed,
    NotOwnedByWorker,
    ReportFromThePast,
    TaskAlreadyFinished,
)
from app.domain.states import CLAIMABLE_STATES, FINISHED_STATES, RETRYABLE_STATES, TaskState

JsonObject = dict[str, Any]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


class Version(BaseModel):
    """Opaque store version: ES ``_seq_no``/``_primary_term``; SQLite row version with term 1."""

    model_config = _FROZEN
    seq_num: int
    primary_term: int


class Metadata(BaseModel):
    model_config = _FROZEN
    created_at: datetime
    modified_at: datetime
    version: Version | None = None


class Report(BaseModel):
    model_config = _FROZEN
    at: datetime
    data: JsonObject | None = None


class Result(BaseModel):
    model_config = _FROZEN
    at: datetime
    success: JsonObject | None = None
    failure: JsonObject | None = None


class LastClaimed(BaseModel):
    model_config = _FROZEN
    worker_id: str
    claimed_at: datetime
    times_out_at: datetime
    lease_token: str
    last_report: Report | None = None
    result: Result | None = None
    # When a report last made it into the attempt history (reports are sampled, at most one per interval).
    report_recorded_at: datetime | None = None


class Cancellation(BaseModel):
    model_config = _FROZEN
    requested_at: datetime
    reason: str | None = None


class Checkpoint(BaseModel):
    """Progress a worker saved; handed to the next attempt so it can resume instead of restarting."""

    model_config = _FROZEN
    at: datetime
    attempt: int
    data: JsonObject


class Claimant(BaseModel):
    """Who asks to change a claimed task: the worker-id header and, from lease-aware clients, a token."""

    model_config = _FROZEN
    worker_id: str
    lease_token: str | None = None


TIMED_OUT_FAILURE: JsonObject = {"timed_out": "Did not finish before claim timeout period"}


class Task(BaseModel):
    model_config = _FROZEN

    id: str
    queue: str
    retry_times: int
    attempted: int
    kind: str
    state: TaskState
    priority: int
    processing_timeout: timedelta
    run_at: datetime
    args: JsonObject | None = None
    context: JsonObject | None = None
    last_claimed: LastClaimed | None = None
    last_enqueued_at: datetime
    metadata: Metadata
    recurring_task_id: str | None = None
    backoff: BackoffPolicy | None = None
    cancellation: Cancellation | None = None
    checkpoint: Checkpoint | None = None
    # W3C trace context of the producer (traceparent, tracestate), so worker spans join its trace.
    trace_context: dict[str, str] | None = None
    # Flow control (app.domain.flow): the concurrency group, which claims also rotate over for fairness;
    # the rate-limit group; and what a claiming worker must declare (sorted, unique) to be handed this.
    concurrency_key: str | None = None
    rate_limit_key: str | None = None
    required_capabilities: tuple[str, ...] | None = None

    @property
    def remaining_attempts(self) -> int:
        return max(self.retry_times + 1 - self.attempted, 0)

    @property
    def lease_token(self) -> str | None:
        return self.last_claimed.lease_token if self.last_claimed else None

    def is_claimable(self, *, at: datetime) -> bool:
        return self.state in CLAIMABLE_STATES and self.run_at <= at and self.remaining_attempts > 0

    def runs_on(self, capabilities: frozenset[str] | None) -> bool:
        """Whether a worker declaring ``capabilities`` (None: declared nothing) may be handed this task."""
        if not self.required_capabilities:
            return True
        return capabilities is not None and capabilities.issuperset(self.required_capabilities)

    def claim(self, *, worker_id: str, at: datetime, lease_token: str) -> Self:
        if self.state not in CLAIMABLE_STATES or self.remaining_attempts <= 0:
            raise NotClaimable(self.id, self.state.value)
        claimed = LastClaimed(
            worker_id=worker_id,
            claimed_at=at,
            times_out_at=at + self.processing_timeout,
            lease_token=lease_token,
        )
        return self._changed(at, state=TaskState.CLAIMED, attempted=self.attempted + 1, last_claimed=claimed)

    def report_in(
        self,
        claimant: Claimant,
        *,
        at: datetime,
        data: JsonObject | None,
        checkpoint: JsonObject | None = None,
        record_every: timedelta | None = None,
    ) -> Self:
        """Heartbeat: extends the deadline; ``record_every`` samples reports into the attempt history."""
        claim = self._owned_claim(claimant)
        if claim.last_report is not None and claim.last_report.at > at:
            raise ReportFromThePast(self.id, claim.last_report.at.isoformat(), at.isoformat())
        recorded = claim.report_recorded_at
        if record_every is not None and (recorded is None or at - recorded >= record_every):
            recorded = at
        reported = claim.model_copy(
            update={
                "last_report": Report(at=at, data=data),
                "times_out_at": at + self.processing_timeout,
                "report_recorded_at": recorded,
            }
        )
        changes: dict[str, Any] = {"last_claimed": reported}
        if checkpoint is not None:
            changes["checkpoint"] = Checkpoint(at=at, attempt=self.attempted, data=checkpoint)
        return self._changed(at, **changes)

    def cancel(self, *, at: datetime, reason: str | None) -> Self:
        """Queued or waiting tasks end now; a claimed one is asked to stop and ends when its worker does."""
        if self.state in FINISHED_STATES:
            raise TaskAlreadyFinished(self.id, self.state.value)
        cancellation = self.cancellation or Cancellation(requested_at=at, reason=reason)
        if self.state is TaskState.CLAIMED:
            return self._changed(at, cancellation=cancellation)
        return self._changed(at, state=TaskState.CANCELLED, cancellation=cancellation)

    def mark_cancelled(self, claimant: Claimant, *, at: datetime, data: JsonObject | None) -> Self:
        """The worker stopped the task (usually because it saw a cancel request)."""
        claim = self._owned_claim(claimant)
        return self._cancelled(claim, at=at, data=data)

    def mark_done(self, claimant: Claimant, *, at: datetime, data: JsonObject | None) -> Self:
        claim = self._owned_claim(claimant)
        finished = claim.model_copy(update={"result": Result(at=at, success=data)})
        return self._changed(at, state=TaskState.DONE, last_claimed=finished)

    def mark_failed(
        self,
        claimant: Claimant,
        *,
        at: datetime,
        data: JsonObject | None,
        backoff: BackoffPolicy,
        jitter: float,
    ) -> Self:
        """Re-queue with backoff while attempts remain (``retry_times + 1`` runs in all), else DEAD.

        ``jitter`` is a uniform random fraction in [0, 1) supplied by the caller.
        """
        self._owned_claim(claimant)
        return self._failed(at=at, data=data, backoff=backoff, jitter=jitter)

    def time_out(self, *, at: datetime, backoff: BackoffPolicy, jitter: float) -> Self:
        """The reaper's transition: a silent worker counts as a failure of the current attempt."""
        if self.state is not TaskState.CLAIMED:
            raise NotClaimed(self.id, self.state.value)
        return self._failed(at=at, data=TIMED_OUT_FAILURE, backoff=backoff, jitter=jitter)

    def unclaim(self, claimant: Claimant, *, at: datetime) -> Self:
        """Back to QUEUED without spending an attempt; ``last_claimed`` stays visible for inspection.

        A task whose cancellation was requested is not re-queued: handing it back ends it.
        """
        claim = self._owned_claim(claimant)
        if self.cancellation is not None:
            return self._cancelled(claim, at=at, data=None)
        return self._changed(at, state=TaskState.QUEUED, attempted=self.attempted - 1, last_enqueued_at=at)

    def retry(self, *, at: datetime) -> Self:
        """A dead, cancelled or waiting-to-retry task runs again now with a fresh set of attempts.

        The attempt history is kept (it lives with the events, not on the task).
        """
        if self.state not in RETRYABLE_STATES:
            raise InvalidTransition(self.id, "retried", self.state.value)
        return self._changed(
            at, state=TaskState.QUEUED, attempted=0, run_at=at, last_enqueued_at=at, cancellation=None
        )

    def requeue(self, *, at: datetime) -> Self:
        """A waiting task (queued for later, or failed and backing off) becomes due now."""
        if self.state not in CLAIMABLE_STATES:
            raise InvalidTransition(self.id, "requeued", self.state.value)
        return self._changed(at, run_at=at, last_enqueued_at=at)

    def reprioritize(self, *, at: datetime, priority: int) -> Self:
        if self.state in FINISHED_STATES:
            raise InvalidTransition(self.id, "reprioritized", self.state.value)
        return self._changed(at, priority=priority)

    def _cancelled(self, claim: LastClaimed, *, at: datetime, data: JsonObject | None) -> Self:
        finished = claim.model_copy(update={"result": Result(at=at, failure=data)})
        cancellation = self.cancellation or Cancellation(requested_at=at, reason="cancelled by the worker")
        return self._changed(at, state=TaskState.CANCELLED, last_claimed=finished, cancellation=cancellation)

    def _failed(
        self, *, at: datetime, data: JsonObject | None, backoff: BackoffPolicy, jitter: float
    ) -> Self:
        assert self.last_claimed is not None  # guaranteed by the CLAIMED state
        if self.cancellation is not None:
            return self._cancelled(self.last_claimed, at=at, data=data)
        finished = self.last_claimed.model_copy(update={"result": Result(at=at, failure=data)})
        if self.remaining_attempts <= 0:
            return self._changed(at, state=TaskState.DEAD, last_claimed=finished)
        delay = backoff.delay(failures_before=self.attempted - 1, random_fraction=jitter)
        return self._changed(
            at, state=TaskState.FAILED, last_claimed=finished, run_at=at + delay, last_enqueued_at=at
        )

    def _owned_claim(self, claimant: Claimant) -> LastClaimed:
        claim = self.last_claimed
        if claimant.lease_token is not None and (claim is None or claim.lease_token != claimant.lease_token):
            raise LeaseSuperseded(self.id)
        if self.state is not TaskState.CLAIMED or claim is None:
            raise NotClaimed(self.id, self.state.value)
        if claim.worker_id != claimant.worker_id:
            raise NotOwnedByWorker(self.id, claimant.worker_id)
        return claim

    def _changed(self, at: datetime, **changes: Any) -> Self:
        # Built, not copied: pydantic's copy costs more than a new small model.
        metadata = Metadata(
            created_at=self.metadata.created_at, modified_at=at, version=self.metadata.version
        )
        return self.model_copy(update={**changes, "metadata": metadata})
