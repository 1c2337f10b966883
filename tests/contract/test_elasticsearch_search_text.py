"""Search-engine backend only: the derived ``search_text``/``error_text`` fields behind error-text and free-text
search are mapped as text, bounded, follow every write and never show up in the task read back."""

from datetime import UTC, datetime, timedelta

from app.domain.backoff import BackoffPolicy
from app.domain.queries import TaskQuery
from app.domain.task import Claimant, Metadata, Task
from app.storage.elasticsearch.search_text import MAX_SEARCH_TEXT, flattened_text
from tests.contract.conftest import queued_task
from tests.support.elasticsearch import ElasticsearchHarness, elasticsearch_harness

NOW = datetime(2026, 1, 1, tzinfo=UTC)
W = Claimant(worker_id="w")


def test_payloads_flatten_to_key_and_value_words() -> None:
    assert flattened_text({"a": {"b": [1, True, None, "x y"]}}, None, {"c": 2.5}) == "a b 1 true x y c 2.5"
    assert len(flattened_text({"big": "word " * 20_000})) == MAX_SEARCH_TEXT
    assert flattened_text(None, {}) == ""


async def _source(harness: ElasticsearchHarness, task: Task) -> dict[str, object]:
    response = await harness.client.get(index=f"{harness.index_prefix}queue-{task.queue}", id=task.id)
    source: dict[str, object] = response["_source"]
    return source


async def test_search_fields_are_text_bounded_and_follow_the_result() -> None:
    async with elasticsearch_harness() as harness:
        task = queued_task("t1", args={"note": "word " * 20_000, "owner": "Alice"}).model_copy(
            update={"metadata": Metadata(created_at=NOW, modified_at=NOW)}
        )
        (stored,) = await harness.store.create_tasks([task])
        assert isinstance(stored, Task)
        index = f"{harness.index_prefix}queue-q"
        properties = (await harness.rest("GET", f"/{index}/_mapping"))[index]["mappings"]["properties"]
        assert properties["search_text"]["type"] == properties["error_text"]["type"] == "text"

        created = await _source(harness, stored)
        assert len(str(created["search_text"])) == MAX_SEARCH_TEXT
        assert "error_text" not in created

        claimed = await harness.store.update_task(
            stored, stored.claim(worker_id="w", at=NOW, lease_token="l1")
        )
        failure = {"error": "Disk quota exceeded"}
        failed_task = claimed.mark_failed(W, at=NOW, data=failure, backoff=BackoffPolicy(), jitter=0)
        failed = await harness.store.update_task(claimed, failed_task)
        assert (await _source(harness, failed))["error_text"] == "error Disk quota exceeded"
        assert await harness.store.get_task("q", "t1") == failed
        await harness.make_searchable()
        found = await harness.store.search_tasks(TaskQuery(error_text="quota exceeded"), limit=5, cursor=None)
        assert found.tasks == [failed]

        later = NOW + timedelta(hours=2)
        again = await harness.store.update_task(
            failed, failed.claim(worker_id="w", at=later, lease_token="l2")
        )
        assert "error_text" not in await _source(harness, again)
        await harness.make_searchable()
        assert (
            await harness.store.search_tasks(TaskQuery(error_text="quota"), limit=5, cursor=None)
        ).tasks == []
