"""Domain transitions, with Tasques' attempt arithmetic and the lease extension."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.backoff import BackoffPolicy, BackoffStrategy
from app.domain.errors import LeaseSuperseded, NotClaimable, NotClaimed, NotOwnedByWorker, ReportFromThePast
from app.domain.states import TaskState
from app.domain.task import TIMED_OUT_FAILURE, Claimant, Metadata, Task

T0 = datetime(2026, 1, 1, tzinfo=UTC)
TIMEOUT = timedelta(minutes=5)
BACKOFF = BackoffPolicy(
    strategy=BackoffStrategy.FIXED, base=timedelta(seconds=10), max=timedelta(seconds=10), jitter=0
)
OWNER = Claimant(worker_id="w", lease_token="lease-1")


def _task(retry_times: int = 1) -> Task:
    return Task(
        id="t",
        queue="q",
        retry_times=retry_times,
        attempted=0,
        kind="k",
        state=TaskState.QUEUED,
        priority=0,
        processing_timeout=TIMEOUT,
        run_at=T0,
        last_enqueued_at=T0,
        metadata=Metadata(created_at=T0, modified_at=T0),
    )


def _claimed(retry_times: int = 1) -> Task:
    return _task(retry_times).claim(worker_id="w", at=T0, lease_token="lease-1")


@pytest.mark.parametrize(
    ("retry_times", "attempted", "remaining"), [(0, 0, 1), (0, 10, 0), (10, 0, 11), (10, 5, 6)]
)
def test_remaining_attempts_match_tasques(retry_times: int, attempted: int, remaining: int) -> None:
    assert _task(retry_times).model_copy(update={"attempted": attempted}).remaining_attempts == remaining


def test_claim_starts_a_lease() -> None:
    claimed = _claimed()
    assert claimed.state is TaskState.CLAIMED
    assert claimed.attempted == 1
    assert claimed.last_claimed is not None
    assert claimed.last_claimed.times_out_at == T0 + TIMEOUT
    assert claimed.lease_token == "lease-1"
    assert claimed.metadata.modified_at == T0


def test_report_extends_the_timeout_and_refuses_reports_from_the_past() -> None:
    later = T0 + timedelta(minutes=3)
    reported = _claimed().report_in(OWNER, at=later, data={"pct": 10})
    assert reported.last_claimed is not None
    assert reported.last_claimed.times_out_at == later + TIMEOUT
    with pytest.raises(ReportFromThePast):
        reported.report_in(OWNER, at=later - timedelta(seconds=1), data=None)


def test_failure_requeues_with_backoff_until_attempts_run_out() -> None:
    failed = _claimed(retry_times=1).mark_failed(OWNER, at=T0, data={"e": 1}, backoff=BACKOFF, jitter=0.0)
    assert failed.state is TaskState.FAILED
    assert failed.run_at == T0 + timedelta(seconds=10)
    assert failed.last_enqueued_at == T0

    again = failed.claim(worker_id="w", at=failed.run_at, lease_token="lease-2")
    dead = again.mark_failed(
        again_owner := Claimant(worker_id="w", lease_token="lease-2"),
        at=T0,
        data=None,
        backoff=BACKOFF,
        jitter=0.0,
    )
    assert dead.state is TaskState.DEAD
    assert dead.run_at == failed.run_at
    with pytest.raises(NotClaimable):
        dead.claim(worker_id="w", at=T0, lease_token="x")
    with pytest.raises(NotClaimed):
        dead.mark_done(again_owner, at=T0, data=None)


def test_time_out_counts_as_a_failure() -> None:
    timed_out = _claimed().time_out(at=T0 + TIMEOUT, backoff=BACKOFF, jitter=0.0)
    assert timed_out.state is TaskState.FAILED
    assert timed_out.last_claimed is not None
    assert timed_out.last_claimed.result is not None
    assert timed_out.last_claimed.result.failure == TIMED_OUT_FAILURE


def test_unclaim_refunds_the_attempt_and_keeps_the_claim_visible() -> None:
    unclaimed = _claimed().unclaim(OWNER, at=T0 + timedelta(seconds=1))
    assert unclaimed.state is TaskState.QUEUED
    assert unclaimed.attempted == 0
    assert unclaimed.last_claimed is not None
    assert unclaimed.last_enqueued_at == T0 + timedelta(seconds=1)


def test_ownership_checks_token_then_state_then_worker() -> None:
    claimed = _claimed()
    with pytest.raises(LeaseSuperseded):
        claimed.mark_done(Claimant(worker_id="w", lease_token="old"), at=T0, data=None)
    with pytest.raises(NotOwnedByWorker):
        claimed.mark_done(Claimant(worker_id="other"), at=T0, data=None)
    with pytest.raises(NotClaimed):
        _task().mark_done(Claimant(worker_id="w"), at=T0, data=None)
    done = claimed.mark_done(Claimant(worker_id="w"), at=T0, data={"r": 1})
    assert done.state is TaskState.DONE
