"""What only the Elasticsearch backend has for admin operations: the paused-queues document and its
compare-and-swap loop, the admin jobs index, conditional task deletes without tombstones, counts that
share the listing's query, and claims that leave paused queues out of the search.

The behaviour both backends share is in ``test_admin_store``; these tests pin the ES shapes (documents,
mappings, requests) and the races only a search engine has.
"""

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any

import pytest

from app.domain.admin_jobs import AdminJob
from app.domain.errors import AdminJobNotFound, StoreUnavailable, TaskNotFound, VersionConflict
from app.domain.history import TaskEvent, TaskEventKind
from app.domain.queries import TaskQuery, TimeField, TimeRange
from app.domain.states import TaskState
from app.domain.task import Version
from app.storage.elasticsearch import queue_controls
from app.storage.elasticsearch.claim import candidate_search, unpaused
from app.storage.elasticsearch.engine import EngineNotFound
from app.storage.elasticsearch.indices import IndexNames, template_data
from app.storage.elasticsearch.queue_controls import PAUSED_DOCUMENT_ID
from app.storage.port import ClaimRequest
from tests.contract.test_elasticsearch_specifics import (
    NOW,
    archive_all,
    claim_at,
    created,
    finished,
    mappings,
    new_task,
    stop_refreshing,
)
from tests.support.elasticsearch import ElasticsearchHarness, elasticsearch_harness


def admin_job(job_id: str, *, created_micros: int = 0, status: str = "pending") -> AdminJob:
    at = NOW + timedelta(microseconds=created_micros)
    return AdminJob(
        id=job_id,
        action="cancel",
        query=TaskQuery(
            queues=("work",),
            states=(TaskState.QUEUED,),
            time_ranges=(TimeRange(TimeField.CREATED, before=NOW),),
        ),
        parameters={"reason": "cleanup", "nested": {"keys": [1, 2]}},
        status=status,
        created_at=at,
        updated_at=at,
        total=3,
    )


async def stored_version(harness: ElasticsearchHarness, index: str, doc_id: str) -> Version:
    body = await harness.client.get(index=index, id=doc_id)
    return Version(seq_num=body["_seq_no"], primary_term=body["_primary_term"])


async def document_exists(harness: ElasticsearchHarness, index: str, doc_id: str) -> bool:
    try:
        await harness.client.get(index=index, id=doc_id)
    except EngineNotFound:
        return False
    return True


# --- paused queues ---------------------------------------------------------------------------------


async def test_paused_queues_live_in_one_document_of_sorted_names() -> None:
    async with elasticsearch_harness() as harness:
        store, index = harness.store, harness.store.names.queue_controls
        assert await store.paused_queues() == frozenset()
        # Resuming what is not paused writes nothing, not even the document.
        assert await store.set_queue_paused("b", paused=False) == frozenset()
        assert not await document_exists(harness, index, PAUSED_DOCUMENT_ID)

        assert await store.set_queue_paused("b", paused=True) == {"b"}
        assert await store.set_queue_paused("a", paused=True) == {"a", "b"}
        source = (await harness.client.get(index=index, id=PAUSED_DOCUMENT_ID))["_source"]
        assert source == {"paused": ["a", "b"]}

        # A change that changes nothing leaves the version alone.
        before = await stored_version(harness, index, PAUSED_DOCUMENT_ID)
        assert await store.set_queue_paused("a", paused=True) == {"a", "b"}
        assert await stored_version(harness, index, PAUSED_DOCUMENT_ID) == before

        assert await store.set_queue_paused("b", paused=False) == {"a"}
        assert await harness.sibling_store().paused_queues() == {"a"}


async def test_paused_queues_are_read_in_real_time() -> None:
    async with elasticsearch_harness() as harness:
        await stop_refreshing(harness, harness.store.names.queue_controls)
        await harness.store.set_queue_paused("work", paused=True)
        assert await harness.sibling_store().paused_queues() == {"work"}


async def test_concurrent_pauses_from_many_servers_all_land() -> None:
    async with elasticsearch_harness() as harness:
        queues = [f"q{number}" for number in range(8)]
        stores = [harness.sibling_store() for _ in queues]
        await asyncio.gather(
            *(store.set_queue_paused(queue, paused=True) for store, queue in zip(stores, queues, strict=True))
        )
        assert await harness.store.paused_queues() == frozenset(queues)
        await asyncio.gather(
            *(
                store.set_queue_paused(queue, paused=False)
                for store, queue in zip(stores[:4], queues[:4], strict=True)
            )
        )
        assert await harness.store.paused_queues() == frozenset(queues[4:])


async def test_a_document_deleted_between_read_and_write_is_created_again() -> None:
    async with elasticsearch_harness() as harness:
        store, index = harness.store, harness.store.names.queue_controls
        await store.set_queue_paused("a", paused=True)
        real_read = store._read_paused
        reads = 0

        async def read_then_delete() -> tuple[frozenset[str], Version | None]:
            nonlocal reads
            reads += 1
            answer = await real_read()
            if reads == 1:
                await harness.client.delete(index=index, id=PAUSED_DOCUMENT_ID)
            return answer

        store._read_paused = read_then_delete  # type: ignore[method-assign]
        assert await store.set_queue_paused("b", paused=True) == {"b"}
        assert reads == 2
        del store._read_paused
        assert await store.paused_queues() == {"b"}


async def test_endless_contention_gives_up_with_a_version_conflict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(queue_controls, "MAX_ATTEMPTS", 3)
    async with elasticsearch_harness() as harness:
        store = harness.store
        writes = 0

        async def always_lose(paused: frozenset[str], expected: Version | None) -> None:
            nonlocal writes
            writes += 1
            raise VersionConflict(PAUSED_DOCUMENT_ID)

        store._write_paused = always_lose  # type: ignore[method-assign]
        with pytest.raises(VersionConflict):
            await store.set_queue_paused("a", paused=True)
        assert writes == 3


async def test_paused_queues_without_the_index() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        assert await harness.store.paused_queues() == frozenset()


# --- claims skip paused queues -----------------------------------------------------------------------


def test_paused_queues_are_dropped_from_the_names_and_excluded_by_the_query() -> None:
    assert unpaused(("a", "b"), frozenset({"b"})) == ("a",)
    assert unpaused(("a",), frozenset({"a"})) is None
    assert unpaused((), frozenset({"a"})) == ()
    assert unpaused(("a",), frozenset()) == ("a",)

    names = IndexNames("p_")
    search = candidate_search(names, (), at=NOW, size=10, excluded=frozenset({"b", "a"}))
    assert search["query"]["bool"]["must_not"] == [{"terms": {"queue": ["a", "b"]}}]
    assert candidate_search(names, (), at=NOW, size=10)["query"]["bool"]["must_not"] == []


async def test_claims_skip_paused_queues() -> None:
    async with elasticsearch_harness() as harness:
        await created(
            harness,
            new_task("paused-high", queue="paused", priority=9),
            new_task("open-low", queue="open", priority=1),
            new_task("other", queue="other", priority=5),
        )
        await harness.make_searchable()
        excluded = frozenset({"paused", "other"})

        def request(*queues: str) -> ClaimRequest:
            return ClaimRequest(queues=queues, amount=5, at=NOW, excluded_queues=excluded)

        every_queue = await harness.store.claim_tasks(request(), claim_at(NOW))
        assert [task.id for task in every_queue.claimed] == ["open-low"]
        assert (await harness.store.claim_tasks(request("paused", "other"), claim_at(NOW))).claimed == []
        unpaused_request = ClaimRequest(queues=("paused",), amount=5, at=NOW)
        outcome = await harness.store.claim_tasks(unpaused_request, claim_at(NOW))
        assert [task.id for task in outcome.claimed] == ["paused-high"]


async def test_a_claim_naming_only_paused_queues_sends_nothing() -> None:
    async with elasticsearch_harness() as harness:

        async def no_search(**_: Any) -> None:
            raise AssertionError("searched")

        harness.store._client.search = no_search  # type: ignore[method-assign,assignment]
        request = ClaimRequest(
            queues=("a", "b"), amount=5, at=NOW, excluded_queues=frozenset({"a", "b", "c"})
        )
        outcome = await harness.store.claim_tasks(request, claim_at(NOW))
        assert outcome.claimed == []
        assert outcome.conflicts == 0
        del harness.store._client.search


async def test_paused_queues_are_excluded_when_the_queue_list_is_too_long_to_name() -> None:
    queues = tuple(f"{'q' * 150}-{number}" for number in range(30))
    async with elasticsearch_harness() as harness:
        await created(harness, new_task("paused", queue=queues[0]), new_task("wanted", queue=queues[-1]))
        await harness.make_searchable()
        request = ClaimRequest(queues=queues, amount=5, at=NOW, excluded_queues=frozenset({queues[0]}))
        outcome = await harness.store.claim_tasks(request, claim_at(NOW))
        assert [task.id for task in outcome.claimed] == ["wanted"]


# --- deleting tasks -----------------------------------------------------------------------------------


async def test_delete_leaves_no_tombstone_and_the_id_is_free_at_once() -> None:
    async with elasticsearch_harness() as harness:
        (task,) = await created(harness, new_task("t1"))
        await harness.store.append_events(
            [TaskEvent(queue="work", task_id="t1", attempt=0, kind=TaskEventKind.REPORTED, at=NOW)]
        )
        await harness.store.delete_task(task)
        assert not await document_exists(harness, harness.store.names.queue("work"), "t1")
        with pytest.raises(TaskNotFound):
            await harness.store.get_task("work", "t1")
        assert len(await harness.store.list_events("work", "t1", limit=10)) == 1
        (again,) = await created(harness, new_task("t1"))
        assert again.metadata.version is not None


async def test_delete_is_conditional_on_the_version_read() -> None:
    async with elasticsearch_harness() as harness:
        (task,) = await created(harness, new_task("t1"))
        claimed = await harness.store.update_task(task, claim_at(NOW)(task))
        with pytest.raises(VersionConflict):
            await harness.store.delete_task(task)
        assert (await harness.store.get_task("work", "t1")).state is TaskState.CLAIMED
        with pytest.raises(VersionConflict):
            await harness.store.delete_task(new_task("t1"))  # never read: no version
        await harness.store.delete_task(claimed)
        with pytest.raises(TaskNotFound):
            await harness.store.delete_task(claimed)
        with pytest.raises(TaskNotFound):
            await harness.store.delete_task(claimed.model_copy(update={"queue": "never-written"}))


async def test_archived_tasks_cannot_be_deleted_and_keep_their_dedup_record() -> None:
    async with elasticsearch_harness() as harness:
        await finished(harness, new_task("t1"))
        await archive_all(harness)
        archived = await harness.store.get_task("work", "t1")
        with pytest.raises(TaskNotFound):
            await harness.store.delete_task(archived)
        tombstone = await harness.client.get(index=harness.store.names.queue("work"), id="t1")
        assert tombstone["_source"]["state"] == "archived"


async def test_delete_sends_one_conditional_delete_without_refresh(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[dict[str, Any]] = []

    async with elasticsearch_harness() as harness:
        real_delete = harness.client.delete

        async def recording_delete(**kwargs: Any) -> dict[str, Any]:
            calls.append(kwargs)
            return await real_delete(**kwargs)

        (task,) = await created(harness, new_task("t1"))
        monkeypatch.setattr(harness.client, "delete", recording_delete)
        await harness.store.delete_task(task)
        monkeypatch.undo()
        assert task.metadata.version is not None
        assert calls == [
            {
                "index": harness.store.names.queue("work"),
                "id": "t1",
                "if_seq_no": task.metadata.version.seq_num,
                "if_primary_term": task.metadata.version.primary_term,
            }
        ]


# --- counting tasks -----------------------------------------------------------------------------------


async def test_count_shares_the_listing_filters_tombstones_and_archive() -> None:
    async with elasticsearch_harness() as harness:
        await finished(harness, new_task("done", recurring_task_id="r"))
        await archive_all(harness)
        await created(
            harness,
            new_task("a", recurring_task_id="r"),
            new_task("b", queue="other", kind="special"),
            new_task("c", run_at=NOW + timedelta(days=1)),
        )
        await harness.make_searchable()
        store = harness.store
        queries = [
            TaskQuery(),
            TaskQuery(include_archive=True),
            TaskQuery(queues=("work",)),
            TaskQuery(kinds=("special",)),
            TaskQuery(recurring_task_id="r"),
            TaskQuery(recurring_task_id="r", include_archive=True),
            TaskQuery(states=(TaskState.DONE,), include_archive=True),
            TaskQuery(time_ranges=(TimeRange(TimeField.CREATED, before=NOW),)),
            TaskQuery(queues=("never-written",)),
        ]
        for query in queries:
            listed = await store.search_tasks(query, limit=100, cursor=None)
            assert await store.count_tasks(query) == len(listed.tasks), query
        assert [await store.count_tasks(query) for query in queries[:2]] == [3, 4]


async def test_count_before_any_task_or_setup_is_zero() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        assert await harness.store.count_tasks(TaskQuery(include_archive=True)) == 0


# --- admin jobs ---------------------------------------------------------------------------------------


async def test_setup_creates_the_admin_jobs_index_with_its_mapping_as_data() -> None:
    async with elasticsearch_harness() as harness:
        names = harness.store.names
        for index, data_name in ((names.admin_jobs, "admin_jobs"), (names.queue_controls, "queue_controls")):
            mapping = await mappings(harness, index)
            wanted = template_data(data_name)["mappings"]
            assert str(mapping["dynamic"]).lower() == "false"
            for field, shape in wanted["properties"].items():
                assert mapping["properties"][field]["type"] == shape["type"], field
        properties = (await mappings(harness, names.admin_jobs))["properties"]
        assert properties["query"].get("enabled") in (False, "false")
        assert properties["parameters"].get("enabled") in (False, "false")
        assert "cursor" not in properties
        assert "error" not in properties


async def test_admin_jobs_round_trip_with_document_versions() -> None:
    async with elasticsearch_harness() as harness:
        store, index = harness.store, harness.store.names.admin_jobs
        job = await store.create_admin_job(admin_job("j1"))
        assert job.version == await stored_version(harness, index, "j1")
        assert dataclasses.replace(job, version=None) == admin_job("j1")
        read = await harness.sibling_store().get_admin_job("j1")
        assert read == job

        with pytest.raises(VersionConflict):
            await store.create_admin_job(admin_job("j1", status="running"))
        assert (await store.get_admin_job("j1")).status == "pending"

        running = dataclasses.replace(read, status="running", processed=2, cursor="abc", error=None)
        updated = await store.update_admin_job(read, running)
        assert updated.version == await stored_version(harness, index, "j1")
        assert await store.get_admin_job("j1") == updated
        with pytest.raises(VersionConflict):
            await store.update_admin_job(read, dataclasses.replace(running, status="failed"))
        with pytest.raises(VersionConflict):
            await store.update_admin_job(admin_job("j1"), running)  # never read: no version

        # An error message past Lucene's 32kB term limit is stored: it is never indexed.
        failed = await store.update_admin_job(
            updated, dataclasses.replace(running, status="failed", error="x" * 40_000)
        )
        assert (await store.get_admin_job("j1")).error == "x" * 40_000

        await harness.client.delete(index=index, id="j1")
        with pytest.raises(VersionConflict):
            await store.update_admin_job(failed, dataclasses.replace(running, status="done"))
        with pytest.raises(AdminJobNotFound):
            await store.get_admin_job("j1")


async def test_admin_jobs_list_newest_first_by_microsecond_then_id_and_filter_by_status() -> None:
    async with elasticsearch_harness() as harness:
        store = harness.store
        # All within one millisecond: ES ``date`` would see them as equal.
        for job in (
            admin_job("old", created_micros=1),
            admin_job("new", created_micros=3, status="running"),
            admin_job("mid-b", created_micros=2, status="done"),
            admin_job("mid-a", created_micros=2),
        ):
            await store.create_admin_job(job)
        listed = await harness.sibling_store().list_admin_jobs(statuses=(), limit=10)
        assert [job.id for job in listed] == ["new", "mid-a", "mid-b", "old"]
        assert all(job.version is not None for job in listed)
        assert [job.id for job in await store.list_admin_jobs(statuses=(), limit=2)] == ["new", "mid-a"]
        pending_or_done = await store.list_admin_jobs(statuses=("pending", "done"), limit=10)
        assert [job.id for job in pending_or_done] == ["mid-a", "mid-b", "old"]
        assert await store.list_admin_jobs(statuses=(), limit=0) == []


async def test_admin_job_list_sees_writes_made_just_before() -> None:
    async with elasticsearch_harness() as harness:
        store = harness.store
        await stop_refreshing(harness, store.names.admin_jobs)
        job = await store.create_admin_job(admin_job("j1"))
        await store.update_admin_job(job, dataclasses.replace(job, status="running"))
        (listed,) = await store.list_admin_jobs(statuses=("running",), limit=10)
        assert listed.id == "j1"


async def test_admin_jobs_without_the_index() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        assert await harness.store.list_admin_jobs(statuses=(), limit=10) == []
        with pytest.raises(AdminJobNotFound):
            await harness.store.get_admin_job("j1")


async def test_admin_job_store_failures_are_store_unavailable() -> None:
    async with elasticsearch_harness() as harness:
        settings = f"/{harness.store.names.admin_jobs}/_settings"
        await harness.rest("PUT", settings, {"index": {"blocks": {"write": True}}})
        try:
            with pytest.raises(StoreUnavailable):
                await harness.store.create_admin_job(admin_job("j1"))
        finally:
            await harness.rest("PUT", settings, {"index": {"blocks": {"write": False}}})
