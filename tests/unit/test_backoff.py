from datetime import timedelta

import pytest
from pydantic import ValidationError

from app.domain.backoff import BackoffPolicy, BackoffStrategy

SECOND = timedelta(seconds=1)


def _policy(strategy: BackoffStrategy, jitter: float = 0.0) -> BackoffPolicy:
    return BackoffPolicy(strategy=strategy, base=SECOND, max=timedelta(seconds=60), jitter=jitter)


@pytest.mark.parametrize(
    ("strategy", "expected_seconds"),
    [
        (BackoffStrategy.EXPONENTIAL, [1, 2, 4, 8, 16, 32, 60, 60]),
        (BackoffStrategy.LINEAR, [1, 2, 3, 4, 5, 6, 7, 8]),
        (BackoffStrategy.FIXED, [1, 1, 1, 1, 1, 1, 1, 1]),
    ],
)
def test_delays_grow_by_strategy_up_to_the_cap(
    strategy: BackoffStrategy, expected_seconds: list[int]
) -> None:
    policy = _policy(strategy)
    delays = [policy.delay(failures_before=n, random_fraction=0.99) for n in range(8)]
    assert delays == [timedelta(seconds=s) for s in expected_seconds]


def test_exponential_is_exponential_not_xor() -> None:
    # Tasques computed (15 + r) XOR 4: for r = 4 that is 23 s, where 15 * 2**4 = 240 s is meant.
    policy = BackoffPolicy(base=timedelta(seconds=15), max=timedelta(hours=1), jitter=0)
    assert policy.delay(failures_before=4, random_fraction=0.0) == timedelta(seconds=240)


def test_full_jitter_spans_zero_to_the_delay() -> None:
    policy = _policy(BackoffStrategy.FIXED, jitter=1.0)
    assert policy.delay(failures_before=0, random_fraction=0.0) == SECOND
    assert policy.delay(failures_before=0, random_fraction=0.75) == SECOND / 4


def test_huge_failure_counts_stay_at_the_cap() -> None:
    assert _policy(BackoffStrategy.EXPONENTIAL).delay(failures_before=10_000, random_fraction=0) == timedelta(
        seconds=60
    )


@pytest.mark.parametrize(
    "fields", [{"base": "0s"}, {"base": "2m", "max": "1m"}, {"jitter": 1.5}, {"strategy": "cubic"}]
)
def test_invalid_policies_are_refused(fields: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        BackoffPolicy.model_validate(fields)
