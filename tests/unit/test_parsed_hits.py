"""``ParsedHits``: a document version seen again is not parsed again, and never answers for another."""

from typing import Any

import pytest

from app.storage.documents import task_to_document
from app.storage.elasticsearch.parsed_hits import ParsedHits
from tests.contract.conftest import queued_task


def _hit(task_id: str, *, seq_no: int = 3, index: str = "p_queue-q", **args: Any) -> dict[str, Any]:
    source = task_to_document(queued_task(task_id, args=args or None))
    return {"_index": index, "_id": task_id, "_seq_no": seq_no, "_primary_term": 1, "_source": source}


def test_the_same_document_version_answers_the_same_task_object() -> None:
    parsed = ParsedHits()

    first = parsed.task(_hit("a", n=1))
    again = parsed.task(_hit("a", n=1))

    assert again is first
    assert first.args == {"n": 1}
    assert first.metadata.version is not None
    assert (first.metadata.version.seq_num, first.metadata.version.primary_term) == (3, 1)


def test_another_version_index_or_content_is_parsed_afresh() -> None:
    parsed = ParsedHits()
    first = parsed.task(_hit("a", n=1))

    newer = parsed.task(_hit("a", seq_no=4, n=2))
    elsewhere = parsed.task(_hit("a", index="other_queue-q", n=3))
    # An index deleted and created again under the same name numbers its writes from the start again.
    recreated = parsed.task(_hit("a", n=4))

    assert [task.args for task in (first, newer, elsewhere, recreated)] == [
        {"n": 1},
        {"n": 2},
        {"n": 3},
        {"n": 4},
    ]
    assert newer.metadata.version is not None
    assert newer.metadata.version.seq_num == 4


def test_the_oldest_entry_leaves_first_when_full() -> None:
    parsed = ParsedHits(capacity=2)
    oldest = parsed.task(_hit("a"))
    kept = parsed.task(_hit("b"))
    parsed.task(_hit("c"))

    assert parsed.task(_hit("b")) is kept
    assert parsed.task(_hit("a")) is not oldest


def test_an_unreadable_document_raises_and_is_not_kept() -> None:
    parsed = ParsedHits()
    broken = _hit("a")
    del broken["_source"]["state"]

    for _ in range(2):
        with pytest.raises(KeyError):
            parsed.task(broken)


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ParsedHits(capacity=0)
