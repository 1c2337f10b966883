"""The opaque cursor of task listings: the ordering it was handed out for and the last row's sort key,
base64-encoded JSON.

Both backends page by a key of (the sort value, queue, id); the sort value's representation is the
backend's own (stored text on SQLite, ES sort values), so a cursor only goes back to the backend and
the ordering (``TaskQuery.ordering``) it came from. Taken back under another ordering it is refused
with ``InvalidInput`` rather than silently skipping or repeating tasks. Cursors from before orderings
existed (a bare three-string list) are read as ``created:desc``, the only ordering there was.
"""

import base64
import binascii
import json

from app.domain.bounds import fits_int64
from app.domain.errors import InvalidInput

SortValue = str | int
SortKey = tuple[SortValue, str, str]
_LEGACY_ORDERING = "created:desc"
_FOREIGN = "cursor is not one this server handed out"


def encode_cursor(ordering: str, key: SortKey) -> str:
    return base64.urlsafe_b64encode(json.dumps({"sort": ordering, "key": list(key)}).encode()).decode()


def decode_cursor(cursor: str, *, ordering: str) -> SortKey:
    """The key ``cursor`` carries; ``InvalidInput`` when it is malformed or for another ordering."""
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error) as error:
        raise InvalidInput(_FOREIGN) from error
    found_ordering, key = (
        (_LEGACY_ORDERING, decoded)
        if isinstance(decoded, list)
        else (decoded.get("sort"), decoded.get("key"))
        if isinstance(decoded, dict)
        else (None, None)
    )
    if not isinstance(key, list) or len(key) != 3 or not isinstance(found_ordering, str):
        raise InvalidInput(_FOREIGN)
    value, queue, task_id = key
    if not _sort_value(value) or not _strings(queue, task_id):
        raise InvalidInput(_FOREIGN)
    if found_ordering != ordering:
        raise InvalidInput(
            f"cursor was handed out for sort {found_ordering.replace(':', ' ')}, not "
            f"{ordering.replace(':', ' ')}: pass the same sort and order, or start without a cursor",
            cursor_sort=found_ordering,
            sort=ordering,
        )
    return value, queue, task_id


def _sort_value(value: object) -> bool:
    """A string, or an integer the stores can compare against (a huge one made SQLite raise)."""
    return isinstance(value, str) or (
        isinstance(value, int) and not isinstance(value, bool) and fits_int64(value)
    )


def _strings(*values: object) -> bool:
    return all(isinstance(value, str) for value in values)
