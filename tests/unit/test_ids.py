import re
import uuid
from datetime import UTC, datetime, timedelta

from app.domain.ids import new_lease_token, new_task_id


def test_task_ids_are_32_hex_uuid7_and_ordered_by_time() -> None:
    at = datetime(2026, 11, 23, tzinfo=UTC)
    first = new_task_id(at)
    second = new_task_id(at + timedelta(milliseconds=1))

    assert re.fullmatch(r"[0-9a-f]{32}", first)
    assert uuid.UUID(first).version == 7
    assert first < second


def test_lease_tokens_are_random_and_distinct() -> None:
    tokens = {new_lease_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(re.fullmatch(r"[0-9a-f]{32}", token) for token in tokens)
