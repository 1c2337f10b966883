"""Tasques' queue-name rule; it keeps every queue usable as part of an Elasticsearch index name."""

import functools

from app.domain.errors import InvalidQueueName
from app.domain.printable import has_unprintable

_ILLEGAL_CHARS = frozenset('\\/*?"<>| ,#:')
_ILLEGAL_FIRST = frozenset("_-+")
MAX_QUEUE_NAME_BYTES = 200  # ES index names stop at 255 bytes; leave room for the index prefix.


def queue_name_problems(queue: str) -> list[str]:
    return list(_problems(queue))


# Checked for every task of every batch, over a handful of distinct names.
@functools.lru_cache(maxsize=1024)
def _problems(queue: str) -> tuple[str, ...]:
    problems: list[str] = []
    if not queue:
        return ("empty string",)
    if any(char in _ILLEGAL_CHARS for char in queue):
        problems.append('contains invalid chars [\\/*?"<>| ,#:]')
    if has_unprintable(queue):
        problems.append("contains control or invisible formatting characters")
    if queue[0] in _ILLEGAL_FIRST:
        problems.append(f"starts with illegal char [{queue[0]}]")
    if queue in {".", ".."}:
        problems.append(f"equal to illegal string sequence [{queue}]")
    if queue != queue.lower():
        problems.append(f"not lower case [{queue}]")
    if len(queue.encode()) > MAX_QUEUE_NAME_BYTES:
        problems.append(f"longer than {MAX_QUEUE_NAME_BYTES} bytes")
    return tuple(problems)


def ensure_valid_queue_name(queue: str) -> str:
    problems = _problems(queue)
    if problems:
        raise InvalidQueueName(queue, list(problems))
    return queue
