import pytest

from app.domain.task import Task
from app.storage.elasticsearch.claim_stripes import WHOLE, Stripe, stripe_of
from tests.contract.conftest import queued_task


def task(task_id: str, *, priority: int = 0) -> Task:
    return queued_task(task_id, queue="work", priority=priority)


def test_a_lone_claimer_keeps_the_given_order() -> None:
    tasks = [task(f"t{number}") for number in range(20)]

    assert WHOLE.first(tasks) == tasks


def test_a_stripe_goes_first_within_each_priority_in_the_given_order() -> None:
    tasks = [task(f"high{number}", priority=5) for number in range(10)]
    tasks += [task(f"low{number}", priority=1) for number in range(10)]
    stripe = Stripe(index=1, count=3)

    ordered = stripe.first(tasks)

    assert [t.priority for t in ordered] == [t.priority for t in tasks]
    for priority in (5, 1):
        run = [t for t in ordered if t.priority == priority]
        owned = [t for t in tasks if t.priority == priority and stripe.owns(t)]
        others = [t for t in tasks if t.priority == priority and not stripe.owns(t)]
        assert run == owned + others


def test_every_task_belongs_to_exactly_one_stripe_and_the_same_one_on_every_call() -> None:
    tasks = [task(f"t{number}") for number in range(200)]
    stripes = [Stripe(index=index, count=4) for index in range(4)]

    owners = [[stripe.index for stripe in stripes if stripe.owns(t)] for t in tasks]

    assert all(len(owner) == 1 for owner in owners)
    assert [owner[0] for owner in owners] == [stripe_of(t, count=4) for t in tasks]
    # Stable across processes too: CRC-32 of "work\0t0", not Python's salted hash.
    assert stripe_of(task("t0"), count=1_000) == 1_337_901_991 % 1_000


def test_a_stripe_outside_the_count_is_refused() -> None:
    with pytest.raises(ValueError, match="does not exist"):
        Stripe(index=2, count=2)
