"""What only the Elasticsearch backend has for the attempt history and outstanding-task reads: the
events rollover alias and its setup, document ids, one bulk per append, paging, rollover duplicates,
and refreshes before the reads that promise to see earlier writes.

Tests marked ``engine_behaviour`` pin what the engine itself does (its rollover API, the lifecycle
policy); the lifecycle ones are skipped where the engine has no ILM (Elasticsearch) or ISM (OpenSearch).
"""

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from app.domain.errors import StoreNotSetUp, StoreUnavailable
from app.domain.history import TaskEvent, TaskEventKind
from app.domain.ids import new_lease_token
from app.domain.states import TaskState
from app.domain.task import Metadata, Task
from app.storage.elasticsearch import ElasticsearchTaskStore
from app.storage.elasticsearch.bulk import send_bulk
from app.storage.elasticsearch.event_documents import event_from_document, event_to_document
from app.storage.elasticsearch.events import event_document_id
from app.storage.elasticsearch.setup import events_policy
from tests.contract.test_elasticsearch_specifics import (
    assert_ism_policy,
    ism_policy_attached,
    lifecycle_settings,
    require_lifecycle,
    stop_refreshing,
    swap_write_index,
    wanted_lifecycle_settings,
)
from tests.support.elasticsearch import ElasticsearchHarness, elasticsearch_harness

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def event(
    task_id: str = "t1",
    *,
    queue: str = "work",
    attempt: int = 1,
    kind: TaskEventKind = TaskEventKind.REPORTED,
    at: datetime = NOW,
    **extra: Any,
) -> TaskEvent:
    return TaskEvent(queue=queue, task_id=task_id, attempt=attempt, kind=kind, at=at, **extra)


def new_task(task_id: str, *, created_at: datetime, recurring_task_id: str | None = "r") -> Task:
    return Task(
        id=task_id,
        queue="work",
        retry_times=2,
        attempted=0,
        kind="example",
        state=TaskState.QUEUED,
        priority=0,
        processing_timeout=timedelta(minutes=5),
        run_at=NOW,
        last_enqueued_at=NOW,
        metadata=Metadata(created_at=created_at, modified_at=created_at),
        recurring_task_id=recurring_task_id,
    )


async def stored_ids(harness: ElasticsearchHarness) -> list[str]:
    await harness.make_searchable()
    response = await harness.client.search(index=harness.store.names.events_alias, size=100)
    return sorted(hit["_id"] for hit in response["hits"]["hits"])


# --- documents and ids -----------------------------------------------------------------------------


def test_event_documents_omit_unset_keys_and_round_trip() -> None:
    bare = event()
    assert event_to_document(bare) == {
        "event_id": bare.event_id,
        "queue": "work",
        "task_id": "t1",
        "attempt": 1,
        "kind": "reported",
        "at": "2024-05-01T12:00:00.000000Z",
        "sequence": 0,
    }
    full = event(worker_id="w1", lease_token="l1", error={"e": [1]}, data={"d": {"x": None}}, sequence=7)
    assert event_from_document(event_to_document(full)) == full
    assert event_from_document(event_to_document(bare)) == bare


def test_event_ids_fit_the_id_limit_and_cannot_collide() -> None:
    short = event()
    assert event_document_id(short.event_id) == short.event_id
    long = event("x" * 512, queue="q" * 200)
    hashed = event_document_id(long.event_id)
    assert len(hashed) == 64
    assert "/" not in hashed


# --- setup -----------------------------------------------------------------------------------------


async def test_setup_bootstraps_the_events_alias_with_an_append_only_mapping() -> None:
    async with elasticsearch_harness() as harness:
        names = harness.store.names
        index = names.events_first_index
        aliases = await harness.rest("GET", f"/_alias/{names.events_alias}")
        assert aliases == {index: {"aliases": {names.events_alias: {"is_write_index": True}}}}

        body = (await harness.client.indices.get(index=index))[index]
        mapping = body["mappings"]
        assert mapping["dynamic"] in (False, "false")
        properties = mapping["properties"]
        for keyword in ("event_id", "queue", "task_id", "kind", "worker_id", "lease_token"):
            assert properties[keyword]["type"] == "keyword", keyword
        assert properties["attempt"]["type"] == "long"
        assert properties["at"]["type"] == "date_nanos"
        assert properties["error"] == properties["data"] == {"type": "object", "enabled": False}
        assert await lifecycle_settings(harness, index) == wanted_lifecycle_settings(
            harness,
            enabled=harness.store.events.ilm_enabled,
            policy=names.events_policy,
            alias=names.events_alias,
        )

        await harness.store.append_events([event(data={"free": {"form": 1}})])
        await harness.make_searchable()
        after = (await harness.rest("GET", f"/{index}/_mapping"))[index]["mappings"]
        assert after == mapping


def test_events_retention_is_an_option_and_becomes_the_rollover_policy() -> None:
    with pytest.raises(ValueError, match="events_retention must not be negative"):
        ElasticsearchTaskStore.connect(["http://127.0.0.1:9"], events_retention=timedelta(days=-1))
    default = ElasticsearchTaskStore.connect(["http://127.0.0.1:9"], index_prefix="p_")
    assert events_policy(default.names, default.events).retention == timedelta(days=90)
    store = ElasticsearchTaskStore.connect(
        ["http://127.0.0.1:9"], index_prefix="p_", events_retention=timedelta(days=14)
    )
    policy = events_policy(store.names, store.events)
    assert (policy.name, policy.index_pattern) == ("p_events_policy", "p_events-*")
    assert (policy.rollover_max_age, policy.rollover_max_primary_shard_size, policy.retention) == (
        timedelta(days=7),
        "50gb",
        timedelta(days=14),
    )


# --- appends and reads -----------------------------------------------------------------------------


async def test_each_append_is_one_bulk_and_repeats_store_nothing_new(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    async def counting(client: Any, operations: Sequence[dict[str, Any]], *, action: str) -> Any:
        calls.append(len(operations) // 2)
        return await send_bulk(client, operations, action=action)

    monkeypatch.setattr("app.storage.elasticsearch.events.send_bulk", counting)
    async with elasticsearch_harness() as harness:
        batch = [event(at=NOW + timedelta(seconds=second)) for second in range(3)]
        long = event("x" * 512, queue="q" * 200, worker_id="w" * 100)
        await harness.store.append_events([*batch, long])
        await harness.store.append_events([batch[0], long])
        await harness.store.append_events([])
        assert calls == [4, 2]
        assert await stored_ids(harness) == sorted(
            [*(item.event_id for item in batch), event_document_id(long.event_id)]
        )
        assert await harness.store.list_events("q" * 200, "x" * 512, limit=10) == [long]


async def test_list_events_pages_in_at_sequence_event_id_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.storage.elasticsearch.events.MAX_CANDIDATES", 3)
    async with elasticsearch_harness() as harness:
        # One instant: sequence first (5 < 9), then event_id ("1/reported" < "2/claimed") among equals.
        tied = [
            event(attempt=2, kind=TaskEventKind.CLAIMED, at=NOW, sequence=9),
            event(attempt=1, kind=TaskEventKind.REPORTED, at=NOW, sequence=9),
            event(attempt=3, kind=TaskEventKind.DONE, at=NOW, sequence=5),
        ]
        spread = [event(at=NOW + timedelta(microseconds=micro)) for micro in (7, 1, 5, 3, 2)]
        others = [event("t2"), event("t1", queue="other")]
        await harness.store.append_events([*spread, *tied, *others])

        listed = await harness.store.list_events("work", "t1", limit=100)
        assert listed == [tied[2], tied[1], tied[0], *sorted(spread, key=lambda item: item.at)]
        assert await harness.store.list_events("work", "t1", limit=4) == listed[:4]
        assert await harness.store.list_events("work", "t1", limit=0) == []
        assert await harness.store.list_events("work", "missing", limit=5) == []


async def test_a_repeat_on_the_other_side_of_a_rollover_is_listed_once() -> None:
    async with elasticsearch_harness() as harness:
        names = harness.store.names
        first, second = event(at=NOW), event(at=NOW + timedelta(seconds=1))
        await harness.store.append_events([first, second])
        # What the lifecycle's rollover does, by hand, between the two appends.
        rolled = f"{names.prefix}events-000002"
        await harness.client.indices.create(index=rolled)
        await swap_write_index(harness, names.events_alias, names.events_first_index, rolled)
        third = event(at=NOW + timedelta(seconds=2))
        await harness.store.append_events([second, third])

        assert await harness.store.list_events("work", "t1", limit=10) == [first, second, third]
        assert await harness.store.list_events("work", "t1", limit=2) == [first, second]
        assert (await harness.client.get(index=rolled, id=second.event_id))["found"]


async def test_appending_before_setup_fails_instead_of_creating_an_index_named_like_the_alias() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        assert await harness.store.list_events("work", "t1", limit=10) == []
        with pytest.raises(StoreUnavailable, match="append task events"):
            await harness.store.append_events([event()])
        assert not await harness.client.indices.exists(index=harness.store.names.events_alias)


async def test_list_events_sees_events_appended_just_before() -> None:
    async with elasticsearch_harness() as harness:
        await harness.store.append_events([event(at=NOW)])
        await stop_refreshing(harness, harness.store.names.events_first_index)
        late = event(at=NOW + timedelta(seconds=1))
        await harness.sibling_store().append_events([late])
        listed = await harness.sibling_store().list_events("work", "t1", limit=10)
        assert [item.at for item in listed] == [NOW, late.at]


# --- outstanding tasks -----------------------------------------------------------------------------


async def test_find_outstanding_sees_writes_just_made_oldest_first_with_versions() -> None:
    async with elasticsearch_harness() as harness:
        store = harness.store
        assert await store.find_outstanding(queue="work", recurring_task_id="r", limit=5) == []
        (oldest,) = await store.create_tasks([new_task("b-oldest", created_at=NOW)])
        assert isinstance(oldest, Task)
        await stop_refreshing(harness, store.names.queue("work"))

        results = await store.create_tasks(
            [
                new_task("c-tie", created_at=NOW + timedelta(seconds=1)),
                new_task("a-tie", created_at=NOW + timedelta(seconds=1)),
                new_task("other", created_at=NOW, recurring_task_id="s"),
                new_task("finished", created_at=NOW),
            ]
        )
        finished = results[3]
        assert isinstance(finished, Task)
        claimed = await store.update_task(
            oldest, oldest.claim(worker_id="w1", at=NOW, lease_token=new_lease_token())
        )
        await store.update_task(finished, finished.model_copy(update={"state": TaskState.DONE}))

        found = await store.find_outstanding(queue="work", recurring_task_id="r", limit=5)
        assert [task.id for task in found] == ["b-oldest", "a-tie", "c-tie"]
        assert found[0] == claimed
        assert all(task.metadata.version is not None for task in found)
        assert [
            task.id for task in await store.find_outstanding(queue="work", recurring_task_id="r", limit=1)
        ] == ["b-oldest"]
        assert await store.find_outstanding(queue="work", recurring_task_id="r", limit=0) == []
        assert await store.find_outstanding(queue="never-written", recurring_task_id="r", limit=5) == []


# --- what the engine itself does -------------------------------------------------------------------


@pytest.mark.engine_behaviour
async def test_setup_installs_the_events_ilm_policy_and_verify_setup_checks_its_version() -> None:
    await require_lifecycle("elasticsearch")
    async with elasticsearch_harness(events_retention=timedelta(days=3)) as harness:
        names = harness.store.names
        body = await harness.rest("GET", f"/_ilm/policy/{names.events_policy}")
        phases = body[names.events_policy]["policy"]["phases"]
        rollover = phases["hot"]["actions"]["rollover"]
        assert (rollover["max_age"], rollover["max_primary_shard_size"].lower()) == ("7d", "50gb")
        assert (phases["delete"]["min_age"], phases["delete"]["actions"]) == ("3d", {"delete": {}})
        index = names.events_first_index
        explained = (await harness.rest("GET", f"/{index}/_ilm/explain"))["indices"][index]
        assert (explained["managed"], explained["policy"]) == (True, names.events_policy)

        stale = dataclasses.replace(events_policy(names, harness.store.events), tasques_version=0)
        await harness.client.put_rollover_policy(stale)
        with pytest.raises(StoreNotSetUp, match=f"ILM policy {names.events_policy} \\(version 0"):
            await harness.store.verify_setup()


@pytest.mark.engine_behaviour
async def test_setup_installs_the_events_ism_policy_and_verify_setup_checks_its_version() -> None:
    await require_lifecycle("opensearch")
    async with elasticsearch_harness(events_retention=timedelta(days=3)) as harness:
        names = harness.store.names
        wanted = events_policy(names, harness.store.events)
        installed = await harness.rest("GET", f"/_plugins/_ism/policies/{names.events_policy}")
        assert_ism_policy(installed, wanted, max_age="7d", retention="3d")
        assert await ism_policy_attached(harness, names.events_first_index) == names.events_policy

        await harness.client.put_rollover_policy(dataclasses.replace(wanted, tasques_version=0))
        with pytest.raises(StoreNotSetUp, match=f"ISM policy {names.events_policy} \\(version 0"):
            await harness.store.verify_setup()


@pytest.mark.engine_behaviour
async def test_a_real_rollover_keeps_the_history_readable_and_appends_going_to_the_new_index() -> None:
    async with elasticsearch_harness() as harness:
        names = harness.store.names
        await harness.store.append_events([event(at=NOW)])
        rolled = await harness.client.indices.rollover(alias=names.events_alias)
        assert rolled["rolled_over"]
        assert rolled["new_index"] == f"{names.prefix}events-000002"
        await harness.store.append_events([event(at=NOW), event(at=NOW + timedelta(seconds=1))])
        listed = await harness.store.list_events("work", "t1", limit=10)
        assert [item.at for item in listed] == [NOW, NOW + timedelta(seconds=1)]
