"""Re-read and retry after a lost compare-and-swap, a bounded number of times.

Every state change is read -> decide -> compare-and-swap (see ``app.storage.port``). A service that loses
the race must not overwrite: it re-reads and decides again, because the winner may have made the change
pointless or invalid. The bound (``tasks.limits.version_conflict_retry_times``) stops one hot record from
pinning a request or a maintenance pass forever; past it the last ``VersionConflict`` reaches the caller
(a 409 over HTTP), whose own next attempt starts from a fresh read.
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from app.domain.errors import VersionConflict

_Result = TypeVar("_Result")


def _ignore(_conflict: VersionConflict) -> None:
    return None


async def retry_on_conflict(
    attempt: Callable[[], Awaitable[_Result]],
    *,
    retry_times: int,
    on_conflict: Callable[[VersionConflict], None] = _ignore,
) -> _Result:
    """Await ``attempt`` (which must do its own re-read) until it returns, retrying after each
    ``VersionConflict`` up to ``retry_times`` times; then the last conflict propagates.

    ``on_conflict`` sees every conflict, the last included (the 409-rate metric counts them all).
    """
    if retry_times < 0:
        raise ValueError("retry_times must not be negative")
    retries_left = retry_times
    while True:
        try:
            return await attempt()
        except VersionConflict as conflict:
            on_conflict(conflict)
            if retries_left == 0:
                raise
            retries_left -= 1
