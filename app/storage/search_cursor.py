"""The opaque cursor of task listings: the last row's sort key, base64-encoded JSON.

Both backends page by the same key (created_at desc, then queue and id ascending), so a cursor is just
that triple; clients must treat it as opaque.
"""

import base64
import binascii
import json

from app.domain.errors import InvalidInput

SortKey = tuple[str, str, str]


def encode_cursor(key: SortKey) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(key)).encode()).decode()


def decode_cursor(cursor: str) -> SortKey:
    try:
        created_at, queue, task_id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError, binascii.Error) as error:
        raise InvalidInput("cursor is not one this server handed out") from error
    if not all(isinstance(part, str) for part in (created_at, queue, task_id)):
        raise InvalidInput("cursor is not one this server handed out")
    return created_at, queue, task_id
