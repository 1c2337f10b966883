"""Tasks read back from the rows this process wrote are not parsed again, and never come back stale."""

from app.storage.document_json import loads
from app.storage.sqlite.rows import _ParsedTasks, stored, task_from_row, task_row_values
from tests.contract.conftest import T0, queued_task


def test_a_row_written_here_reads_back_as_the_same_task_and_a_new_version_is_parsed_afresh() -> None:
    task = queued_task("cached")
    document = task_row_values(task)[-1]
    written = stored(task, 1, document)
    assert task_from_row((document, 1)) is written
    claimed = written.claim(worker_id="w", at=T0, lease_token="lease")
    claimed_document = task_row_values(claimed)[-1]
    read = task_from_row((claimed_document, 2))
    assert read is not written
    assert read.state is claimed.state
    assert read.lease_token == "lease"
    assert read.metadata.version is not None
    assert read.metadata.version.seq_num == 2
    assert task_from_row((claimed_document, 2)) is read
    # The same document at another version is another row state: parsed with its own version.
    other = task_from_row((claimed_document, 3))
    assert other.metadata.version is not None
    assert other.metadata.version.seq_num == 3


def test_the_cache_keeps_only_its_capacity_oldest_out_first() -> None:
    cache = _ParsedTasks(capacity=2)
    tasks = [queued_task(f"t{number}") for number in range(3)]
    for number, task in enumerate(tasks):
        cache.put(1, f"doc-{number}", task)
    assert cache.get(1, "doc-0") is None
    assert cache.get(1, "doc-1") is tasks[1]
    assert cache.get(1, "doc-2") is tasks[2]


def test_documents_with_integers_past_64_bits_or_lone_surrogates_read_back_exactly() -> None:
    wide = 2**70
    task = queued_task("odd").model_copy(update={"args": {"n": wide, "m": -wide, "s": "\ud800", "f": 1.5}})
    document = task_row_values(task)[-1]
    read = task_from_row((document, 1))
    assert read.args == {"n": wide, "m": -wide, "s": "\ud800", "f": 1.5}
    assert loads('{"n": 18446744073709551616, "e": "\\ud83d\\ude00"}') == {"n": 2**64, "e": "\U0001f600"}


def test_a_document_nested_a_thousand_levels_deep_still_reads() -> None:
    """Bodies were accepted to orjson's 1024 levels; msgspec's limit is Python's recursion allowance."""
    level = loads('{"a": ' + "[" * 1000 + "]" * 1000 + "}")["a"]
    depth = 0
    while level:
        (level,) = level
        depth += 1
    assert (depth, level) == (999, [])
