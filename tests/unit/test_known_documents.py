"""``KnownDocuments``: a document version seen again is not parsed again and never answers for another;
what this store wrote is kept for its next write."""

from datetime import datetime, timedelta
from typing import Any

import pytest

from app.domain.task import Task, Version
from app.storage.documents import task_to_document
from app.storage.elasticsearch.known_documents import KnownDocuments
from tests.contract.conftest import T0, queued_task


def _hit(
    task_id: str, *, seq_no: int = 3, index: str = "p_queue-q", created: datetime = T0, **args: Any
) -> dict[str, Any]:
    source = task_to_document(queued_task(task_id, args=args or None, run_at=created))
    return {"_index": index, "_id": task_id, "_seq_no": seq_no, "_primary_term": 1, "_source": source}


def test_the_same_document_version_answers_the_same_task_object() -> None:
    parsed = KnownDocuments()

    first = parsed.task(_hit("a", n=1))
    again = parsed.task(_hit("a", n=1))

    assert again is first
    assert first.args == {"n": 1}
    assert first.metadata.version is not None
    assert (first.metadata.version.seq_num, first.metadata.version.primary_term) == (3, 1)


def test_another_version_index_or_content_is_parsed_afresh() -> None:
    parsed = KnownDocuments()
    first = parsed.task(_hit("a", n=1))

    newer = parsed.task(_hit("a", seq_no=4, n=2))
    elsewhere = parsed.task(_hit("a", index="other_queue-q", n=3))
    # An index deleted and created again under the same name numbers its writes from the start again.
    recreated = parsed.task(_hit("a", created=T0 + timedelta(microseconds=1), n=4))

    assert [task.args for task in (first, newer, elsewhere, recreated)] == [
        {"n": 1},
        {"n": 2},
        {"n": 3},
        {"n": 4},
    ]
    assert newer.metadata.version is not None
    assert newer.metadata.version.seq_num == 4


def test_the_oldest_entry_leaves_first_when_full() -> None:
    parsed = KnownDocuments(capacity=2)
    oldest = parsed.task(_hit("a"))
    kept = parsed.task(_hit("b"))
    parsed.task(_hit("c"))

    assert parsed.task(_hit("b")) is kept
    assert parsed.task(_hit("a")) is not oldest


def test_an_unreadable_document_raises_and_is_not_kept() -> None:
    parsed = KnownDocuments()
    broken = _hit("a")
    del broken["_source"]["state"]

    for _ in range(2):
        with pytest.raises(KeyError):
            parsed.task(broken)


def test_capacity_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        KnownDocuments(capacity=0)


def _versioned(task_id: str, *, seq_no: int, claimed: bool) -> Task:
    task = queued_task(task_id)
    if claimed:
        task = task.claim(worker_id="w", at=T0, lease_token="l")
    version = Version(seq_num=seq_no, primary_term=1)
    return task.model_copy(update={"metadata": task.metadata.model_copy(update={"version": version})})


def test_a_stored_key_this_code_does_not_write_changes_the_fingerprint_and_is_kept_for_writes() -> None:
    known = KnownDocuments()
    hit = _hit("a")
    plain = known.task(hit)
    hit["_source"]["x_future"] = {"kept": True}

    with_future_key = known.task(hit)

    assert with_future_key is not plain
    assert known.unknown_keys("p_queue-q", with_future_key) == {"x_future": {"kept": True}}
    assert known.unknown_keys("p_queue-q", plain) is None  # replaced: no longer what is stored


def test_a_written_document_is_known_for_that_very_task() -> None:
    known = KnownDocuments()
    written = _versioned("a", seq_no=7, claimed=True)
    document = {**task_to_document(written), "x_future": 1}

    known.written("p_queue-q", written, document=document)

    assert known.unknown_keys("p_queue-q", written) == {"x_future": 1}
    assert known.unknown_keys("p_queue-q", _versioned("a", seq_no=7, claimed=True)) is None  # an equal copy
    assert known.unknown_keys("other_queue-q", written) is None
    read_back = {
        "_index": "p_queue-q",
        "_id": "a",
        "_seq_no": 7,
        "_primary_term": 1,
        "_source": dict(document),
    }
    assert known.task(read_back) is written


def test_only_a_task_left_claimed_is_held_and_a_lost_write_forgets_it() -> None:
    known = KnownDocuments()
    claimed = _versioned("a", seq_no=3, claimed=True)
    known.written("p_queue-q", claimed, document=None)
    assert known.claimed("p_queue-q", "a") is claimed
    assert known.unknown_keys("p_queue-q", claimed) is None  # a scripted write: its document is not known

    known.forget_claimed("p_queue-q", "a")
    assert known.claimed("p_queue-q", "a") is None

    known.written("p_queue-q", claimed, document=None)
    known.written("p_queue-q", _versioned("a", seq_no=4, claimed=False), document=None)
    assert known.claimed("p_queue-q", "a") is None
