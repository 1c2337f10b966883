"""Flow control's pure parts: rule lookup, the token bucket, fair order and claim planning."""

from datetime import UTC, datetime, timedelta

import pytest

from app.domain.errors import InvalidInput
from app.domain.flow import (
    FlowLimit,
    FlowRules,
    LimiterScope,
    LimitKind,
    RateLimit,
    ScopeKind,
    TokenBucket,
    ensure_valid_flow_key,
    normalized_capabilities,
)
from app.domain.states import TaskState
from app.domain.task import Metadata, Task
from app.services.policies import FlowControlSettings
from app.storage.flow_planning import KeyRotation, LimiterLedger, fair_order, plan_claims

T0 = datetime(2026, 1, 1, tzinfo=UTC)
PER_MINUTE = RateLimit(limit=60, per=timedelta(minutes=1), burst=10)


def task(task_id: str, *, key: str | None = None, rate_key: str | None = None, priority: int = 0) -> Task:
    return Task(
        id=task_id,
        queue="q",
        retry_times=0,
        attempted=0,
        kind="k",
        state=TaskState.QUEUED,
        priority=priority,
        processing_timeout=timedelta(minutes=1),
        run_at=T0,
        last_enqueued_at=T0,
        metadata=Metadata(created_at=T0, modified_at=T0),
        concurrency_key=key,
        rate_limit_key=rate_key,
    )


def key_scope(name: str, limit: LimitKind = LimitKind.CONCURRENCY) -> LimiterScope:
    return LimiterScope(limit, ScopeKind.KEY, name)


def test_an_exact_name_wins_over_patterns_and_the_first_pattern_over_later_ones() -> None:
    rules = FlowRules(
        keys=(
            ("tenant:*", FlowLimit(max_concurrency=5)),
            ("tenant:vip*", FlowLimit(max_concurrency=50)),
            ("tenant:vip", FlowLimit(max_concurrency=100)),
        )
    )
    assert rules.concurrency_of(key_scope("tenant:a")) == 5
    assert rules.concurrency_of(key_scope("tenant:vip2")) == 5
    assert rules.concurrency_of(key_scope("tenant:vip")) == 100
    assert rules.for_key("other") is None
    assert rules.for_key("TENANT:a") is None  # case-sensitive on every platform


def test_settings_become_rules_with_burst_defaulting_to_the_rate() -> None:
    settings = FlowControlSettings.model_validate(
        {
            "queues": {"emails-*": {"rate": {"limit": 100, "per": "1m"}}},
            "keys": {"tenant:*": {"max_concurrency": 5}},
        }
    )
    rules = settings.rules()
    assert rules.for_queue("emails-eu") == FlowLimit(
        rate=RateLimit(limit=100, per=timedelta(minutes=1), burst=100)
    )
    assert rules.concurrency_scopes("q", "tenant:a") == [(key_scope("tenant:a"), 5)]
    assert rules.rate_scopes("emails-eu", None)[0][0].kind is ScopeKind.QUEUE


def test_the_bucket_refills_at_the_rate_up_to_its_burst_and_never_from_a_clock_behind() -> None:
    empty = TokenBucket(tokens=0, refilled_at=T0)
    assert empty.refilled(PER_MINUTE, at=T0 + timedelta(seconds=3)).tokens == pytest.approx(3)
    assert empty.refilled(PER_MINUTE, at=T0 + timedelta(hours=1)).tokens == 10
    behind = empty.refilled(PER_MINUTE, at=T0 - timedelta(seconds=30))
    assert (behind.tokens, behind.refilled_at) == (0, T0)
    assert TokenBucket(tokens=9.5, refilled_at=T0).refunded(3, PER_MINUTE).tokens == 10


def test_keys_and_capabilities_are_validated_and_capabilities_normalised() -> None:
    assert normalized_capabilities(["py3.12", "gpu", "gpu"], field="c") == ("gpu", "py3.12")
    assert normalized_capabilities([], field="c") is None
    with pytest.raises(InvalidInput):
        normalized_capabilities([""], field="c")
    with pytest.raises(InvalidInput):
        normalized_capabilities([str(n) for n in range(33)], field="c")
    with pytest.raises(InvalidInput):
        ensure_valid_flow_key("", field="concurrency_key")
    with pytest.raises(InvalidInput):
        ensure_valid_flow_key("x" * 201, field="concurrency_key")


def test_claims_rotate_over_keys_least_recently_served_first_priority_within_a_key() -> None:
    candidates = [
        task("a1", key="a", priority=9),
        task("a2", key="a", priority=8),
        task("a3", key="a", priority=7),
        task("b1", key="b", priority=1),
        task("n1", priority=0),
    ]
    rotation = KeyRotation()
    assert [t.id for t in fair_order(candidates, rotation)] == ["a1", "b1", "n1", "a2", "a3"]
    rotation.served(["a"])
    assert [t.id for t in fair_order(candidates, rotation)] == ["b1", "n1", "a1", "a2", "a3"]
    rotation.served(["b", None])
    assert fair_order(candidates, rotation)[0].id == "a1"


def test_the_rotation_forgets_the_oldest_keys_beyond_its_memory() -> None:
    rotation = KeyRotation(remember=2)
    rotation.served(["a", "b", "c"])
    assert rotation.last_served("a") == -1
    assert rotation.last_served("c") > rotation.last_served("b")


def test_planning_stops_each_key_at_its_limit_and_counts_what_it_turned_away() -> None:
    rules = FlowRules(keys=(("*", FlowLimit(max_concurrency=2)),))
    ledger = LimiterLedger(held={key_scope("a"): 1})
    plan = plan_claims(
        [task("a1", key="a"), task("a2", key="a"), task("b1", key="b"), task("b2", key="b")],
        amount=10,
        rules=rules,
        ledger=ledger,
        at=T0,
    )
    assert [grant.task.id for grant in plan.grants] == ["a1", "b1", "b2"]
    assert plan.blocked == {key_scope("a")}
    (throttled,) = plan.throttled_report()
    assert (throttled.scope, throttled.limit, throttled.count) == (ScopeKind.KEY, LimitKind.CONCURRENCY, 1)


def test_planning_takes_one_token_per_claim_and_keeps_the_bucket_to_store() -> None:
    rules = FlowRules(keys=(("api", FlowLimit(rate=RateLimit(limit=1, per=timedelta(seconds=1), burst=2))),))
    plan = plan_claims(
        [task(f"t{n}", rate_key="api") for n in range(4)],
        amount=4,
        rules=rules,
        ledger=LimiterLedger(),
        at=T0,
    )
    assert len(plan.grants) == 2
    assert plan.buckets[key_scope("api", LimitKind.RATE)].tokens == 0
    assert plan.throttled_report()[0].count == 2
