"""The bulk coalescer's encoding: NDJSON lines any engine parses back to what was queued, and the
count of actions it deals response items by."""

import json
from typing import Any

from app.storage.elasticsearch.bulk_coalescer import count_actions, ndjson

CREATE: dict[str, Any] = {"create": {"_index": "i", "_id": "a"}}
DELETE: dict[str, Any] = {"delete": {"_index": "i", "_id": "b"}}
UPDATE: dict[str, Any] = {"update": {"_index": "i", "_id": "c", "if_seq_no": 1, "if_primary_term": 1}}


def test_every_action_but_delete_carries_one_source_line() -> None:
    operations: list[dict[str, Any]] = [
        CREATE,
        {"id": "a"},
        DELETE,
        UPDATE,
        {"script": {"source": "x"}},
        DELETE,
    ]

    assert count_actions(operations) == 4


def test_a_source_line_shaped_like_an_action_is_still_read_as_a_source() -> None:
    assert count_actions([CREATE, {"delete": "a user payload key"}, DELETE]) == 2


def test_lines_end_in_newlines_and_parse_back_even_past_64_bit_integers() -> None:
    operations: list[dict[str, Any]] = [CREATE, {"args": {"huge": 2**100, "text": "é"}}, DELETE]

    body = ndjson(operations)

    assert body.endswith(b"\n")
    assert [json.loads(line) for line in body.splitlines()] == operations
