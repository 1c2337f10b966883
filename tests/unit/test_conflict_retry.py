"""The one re-read-and-retry rule: bounded, every conflict seen, the last one raised."""

from collections.abc import Awaitable, Callable

import pytest

from app.domain.errors import InvalidInput, VersionConflict
from app.services.conflict_retry import retry_on_conflict


def losing(times: int, *, then: str = "stored") -> Callable[[], Awaitable[str]]:
    """An attempt that loses ``times`` races (each conflict naming its attempt), then returns ``then``."""
    calls = 0

    async def attempt() -> str:
        nonlocal calls
        calls += 1
        if calls <= times:
            raise VersionConflict(f"attempt-{calls}")
        return then

    return attempt


async def test_a_first_attempt_that_wins_is_not_retried() -> None:
    seen: list[VersionConflict] = []
    assert await retry_on_conflict(losing(0), retry_times=3, on_conflict=seen.append) == "stored"
    assert seen == []


async def test_lost_races_are_retried_until_one_wins() -> None:
    seen: list[VersionConflict] = []
    assert await retry_on_conflict(losing(3), retry_times=3, on_conflict=seen.append) == "stored"
    assert [conflict.details["id"] for conflict in seen] == ["attempt-1", "attempt-2", "attempt-3"]


async def test_gives_up_after_the_bound_with_the_last_conflict() -> None:
    seen: list[VersionConflict] = []
    with pytest.raises(VersionConflict) as raised:
        await retry_on_conflict(losing(10), retry_times=2, on_conflict=seen.append)
    assert raised.value.details["id"] == "attempt-3"  # the first attempt and two retries
    assert len(seen) == 3


async def test_zero_retries_means_one_attempt() -> None:
    with pytest.raises(VersionConflict) as raised:
        await retry_on_conflict(losing(1), retry_times=0)
    assert raised.value.details["id"] == "attempt-1"


async def test_other_errors_are_not_retried() -> None:
    calls = 0

    async def invalid() -> str:
        nonlocal calls
        calls += 1
        raise InvalidInput("no")

    with pytest.raises(InvalidInput):
        await retry_on_conflict(invalid, retry_times=5)
    assert calls == 1


async def test_a_negative_bound_is_refused() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        await retry_on_conflict(losing(0), retry_times=-1)
