"""What only the search-engine backend has: setup pieces, prefixes, bulk shapes, claim windows, refresh,
tombstones and the archive alias.

Everything here runs on a real engine (``tests.support.elasticsearch``). Tests marked
``engine_behaviour`` pin what the engine itself does (refresh lag, painless scripts, lifecycle
policies); the lifecycle ones run where the engine has its lifecycle plugin (ILM on Elasticsearch, ISM
on OpenSearch) and are skipped elsewhere, saying why.
"""

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from random import Random
from typing import Any

import pytest

from app.domain.errors import (
    InvalidInput,
    RecurringTaskNotFound,
    StoreNotSetUp,
    StoreUnavailable,
    TaskAlreadyExists,
    TaskNotFound,
    VersionConflict,
)
from app.domain.ids import new_lease_token
from app.domain.recurring import RecurringTask, TaskDefinition
from app.domain.states import TaskState
from app.domain.task import Claimant, Metadata, Task, Version
from app.storage.documents import task_to_document
from app.storage.elasticsearch import ElasticsearchTaskStore
from app.storage.elasticsearch.archive import archive_document_id
from app.storage.elasticsearch.bulk import BulkItem
from app.storage.elasticsearch.claim import claim_in_windows, spread_top_up
from app.storage.elasticsearch.engine import EngineName, RolloverPolicy
from app.storage.elasticsearch.engine_durations import engine_duration
from app.storage.elasticsearch.indices import (
    IndexNames,
    task_properties_added_since_version_2,
    task_template_body,
)
from app.storage.elasticsearch.queue_samples import samples_index
from app.storage.elasticsearch.setup import archive_policy
from app.storage.elasticsearch.writes import document_changes
from app.storage.port import ArchiveOutcome, ClaimRequest, Store
from tests.support.elasticsearch import (
    ElasticsearchHarness,
    EngineRestError,
    elasticsearch_harness,
    engine_under_test,
)

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
LIFECYCLE_PLUGIN: dict[EngineName, str] = {"elasticsearch": "ILM", "opensearch": "ISM"}
EXPLAIN_TIMEOUT_SECONDS = 30.0
EXPLAIN_POLL_SECONDS = 0.1


async def require_lifecycle(engine: EngineName) -> None:
    """Skip unless the engine under test is ``engine`` with its lifecycle plugin installed."""
    under_test = await engine_under_test()
    plugin = LIFECYCLE_PLUGIN[engine]
    if under_test.engine != engine:
        pytest.skip(
            f"{plugin} is {engine}'s lifecycle API; the engine under test is {under_test.description}"
        )
    if not under_test.lifecycle:
        pytest.skip(f"{under_test.description} has no {plugin} installed")


async def stop_refreshing(harness: ElasticsearchHarness, index: str) -> None:
    """Writes after this stay invisible to search until someone refreshes."""
    await harness.rest("PUT", f"/{index}/_settings", {"index": {"refresh_interval": "-1"}})
    await harness.make_searchable()


async def mappings(harness: ElasticsearchHarness, index: str) -> dict[str, Any]:
    body = await harness.rest("GET", f"/{index}/_mapping")
    mapping: dict[str, Any] = body[index]["mappings"]
    return mapping


async def lifecycle_settings(harness: ElasticsearchHarness, index: str) -> dict[str, Any]:
    """The index's lifecycle settings (ILM's or ISM's), flat."""
    body = await harness.rest("GET", f"/{index}/_settings", flat_settings=True)
    prefixes = (
        "index.lifecycle.",
        "plugins.index_state_management.",
        "index.plugins.index_state_management.",
    )
    return {key: value for key, value in body[index]["settings"].items() if key.startswith(prefixes)}


def wanted_lifecycle_settings(
    harness: ElasticsearchHarness, *, enabled: bool, policy: str, alias: str
) -> dict[str, Any]:
    """What setup's templates give a rollover alias's backing indices on the engine under test."""
    if not enabled:
        return {}
    if harness.engine.engine == "elasticsearch":
        return {"index.lifecycle.name": policy, "index.lifecycle.rollover_alias": alias}
    # ISM attaches the policy by its ism_template; the index only names the alias to roll over.
    return {"plugins.index_state_management.rollover_alias": alias}


async def swap_write_index(harness: ElasticsearchHarness, alias: str, old: str, new: str) -> None:
    """Make ``new`` the alias's write index and keep ``old`` readable through it."""
    await harness.rest(
        "POST",
        "/_aliases",
        {
            "actions": [
                {"add": {"index": old, "alias": alias, "is_write_index": False}},
                {"add": {"index": new, "alias": alias, "is_write_index": True}},
            ]
        },
    )


async def ism_policy_attached(harness: ElasticsearchHarness, index: str) -> str | None:
    """The ISM policy managing ``index``: ISM attaches it by ism_template shortly after the index is
    created, so this polls ``explain`` until it names one (bounded)."""
    deadline = asyncio.get_running_loop().time() + EXPLAIN_TIMEOUT_SECONDS
    while True:
        explained = (await harness.rest("GET", f"/_plugins/_ism/explain/{index}"))[index]
        policy = explained.get("index.plugins.index_state_management.policy_id") or explained.get("policy_id")
        if policy or asyncio.get_running_loop().time() > deadline:
            return str(policy) if policy else None
        await asyncio.sleep(EXPLAIN_POLL_SECONDS)


def ism_state(policy: dict[str, Any], name: str) -> dict[str, Any]:
    (state,) = [state for state in policy["states"] if state["name"] == name]
    return dict(state)


def assert_ism_policy(
    installed: dict[str, Any], wanted: RolloverPolicy, *, max_age: str, retention: str
) -> None:
    """An ISM policy as setup installs it: rollover, then delete ``retention`` after the rollover,
    attached to the backing indices by its ism_template, the tasques version in its description."""
    policy = installed["policy"]
    assert f"[tasques_version {wanted.tasques_version}]" in policy["description"]
    assert policy["default_state"] == "rollover"
    rollover = ism_state(policy, "rollover")
    (action,) = rollover["actions"]
    assert action["rollover"]["min_index_age"] == max_age
    assert action["rollover"]["min_primary_shard_size"].lower() == "50gb"
    assert rollover["transitions"] == [
        {"state_name": "delete", "conditions": {"min_rollover_age": retention}}
    ]
    (delete,) = ism_state(policy, "delete")["actions"]
    assert "delete" in delete
    (template,) = policy["ism_template"]
    assert template["index_patterns"] == [wanted.index_pattern]


def new_task(
    task_id: str, *, queue: str = "work", priority: int = 0, run_at: datetime = NOW, **extra: object
) -> Task:
    return Task.model_validate(
        {
            "id": task_id,
            "queue": queue,
            "retry_times": 2,
            "attempted": 0,
            "kind": "example",
            "state": TaskState.QUEUED,
            "priority": priority,
            "processing_timeout": timedelta(minutes=5),
            "run_at": run_at,
            "last_enqueued_at": run_at,
            "metadata": Metadata(created_at=NOW, modified_at=NOW),
            **extra,
        }
    )


def recurring(recurring_id: str) -> RecurringTask:
    definition = TaskDefinition(
        queue="work", kind="example", retry_times=1, processing_timeout=timedelta(minutes=1)
    )
    return RecurringTask(
        id=recurring_id,
        schedule_expression="@every 1m",
        task_definition=definition,
        metadata=Metadata(created_at=NOW, modified_at=NOW),
    )


def claim_at(at: datetime, worker: str = "w1") -> Callable[[Task], Task]:
    return lambda task: task.claim(worker_id=worker, at=at, lease_token=new_lease_token())


async def created(harness: ElasticsearchHarness, *tasks: Task) -> list[Task]:
    results = await harness.store.create_tasks(tasks)
    assert all(isinstance(result, Task) for result in results), results
    return [result for result in results if isinstance(result, Task)]


# --- setup -----------------------------------------------------------------------------------------


def expected_setup(harness: ElasticsearchHarness) -> list[str]:
    """What ``verify_setup`` names on an empty prefix, in install order."""
    names = harness.store.names
    ilm = harness.store.archive.ilm_enabled
    lifecycle = harness.client.lifecycle_name
    return [
        f"index template {names.task_template}",
        f"index template {names.archive_template}",
        f"index template {names.events_template}",
        *(
            [f"{lifecycle} policy {names.archive_policy}", f"{lifecycle} policy {names.events_policy}"]
            if ilm
            else []
        ),
        f"index {names.leader_locks}",
        f"index {names.recurring_tasks}",
        f"index {names.queue_controls}",
        f"index {names.admin_jobs}",
        f"index {names.pipelines}",
        f"index {names.push_workers}",
        f"index {names.flow_control}",
        f"index {samples_index(names)}",
        f"archive alias {names.archive_alias}",
        f"events alias {names.events_alias}",
    ]


async def test_verify_setup_names_every_missing_piece_before_setup() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        with pytest.raises(StoreNotSetUp) as raised:
            await harness.store.verify_setup()
        assert raised.value.details["missing"] == expected_setup(harness)
        await harness.store.setup()
        await harness.store.verify_setup()


async def test_verify_setup_reports_pieces_removed_after_setup() -> None:
    async with elasticsearch_harness() as harness:
        names = harness.store.names
        await harness.client.indices.delete(
            index=[names.leader_locks, names.archive_first_index, names.events_first_index]
        )
        with pytest.raises(StoreNotSetUp) as raised:
            await harness.store.verify_setup()
        assert raised.value.details["missing"] == [
            f"index {names.leader_locks}",
            f"archive alias {names.archive_alias}",
            f"events alias {names.events_alias}",
        ]


async def test_setup_is_idempotent() -> None:
    async with elasticsearch_harness() as harness:
        await harness.store.setup()
        await harness.store.setup()
        await harness.store.verify_setup()


async def test_verify_setup_rejects_a_template_older_than_the_code() -> None:
    async with elasticsearch_harness() as harness:
        body = task_template_body(harness.store.names)
        await harness.client.indices.put_index_template(**{**body, "version": 0})
        with pytest.raises(StoreNotSetUp, match="version 0"):
            await harness.store.verify_setup()
        await harness.store.setup()
        await harness.store.verify_setup()


async def test_template_maps_queue_indices_without_dynamic_fields() -> None:
    async with elasticsearch_harness() as harness:
        name = f"{harness.index_prefix}tasks"
        template = (await harness.client.indices.get_index_template(name=name))["index_templates"][0]
        assert template["index_template"]["index_patterns"] == [f"{harness.index_prefix}queue-*"]

        await created(harness, new_task("t1", args={"deep": {"free": "form"}}, context={"x": 1}))
        index = f"{harness.index_prefix}queue-work"
        mapping = await mappings(harness, index)
        assert mapping["dynamic"] in (False, "false")
        properties = mapping["properties"]
        assert properties["state"]["type"] == "keyword"
        assert properties["run_at"]["type"] == "date_nanos"
        assert properties["args"]["enabled"] is False
        assert (
            properties["last_claimed"]["properties"]["last_report"]["properties"]["data"]["enabled"] is False
        )
        assert "deep" not in str(properties["args"])
        assert properties["checkpoint"]["enabled"] is False
        assert properties["cancellation"]["properties"]["requested_at"]["type"] == "date"
        assert properties["last_claimed"]["properties"]["report_recorded_at"]["type"] == "date"


def deep_subset(part: Any, whole: Any) -> bool:
    if isinstance(part, dict):
        return isinstance(whole, dict) and all(
            key in whole and deep_subset(value, whole[key]) for key, value in part.items()
        )
    return bool(part == whole)


def test_the_fields_setup_adds_to_older_indices_are_the_template_s_own() -> None:
    properties = task_template_body(IndexNames("p_"))["template"]["mappings"]["properties"]
    added = task_properties_added_since_version_2()
    assert set(added) == {
        "search_text",
        "error_text",
        "error_class",
        "cancellation",
        "checkpoint",
        "last_claimed",
        "concurrency_key",
        "rate_limit_key",
        "required_capabilities",
        "required_capabilities_count",
    }
    assert deep_subset(added, properties)


async def test_cancellation_checkpoint_and_report_recording_round_trip_and_are_searchable() -> None:
    async with elasticsearch_harness() as harness:
        (task,) = await created(harness, new_task("t1"))
        claimed = await harness.store.update_task(task, claim_at(NOW)(task))
        reported = claimed.report_in(
            OWNER, at=NOW, data={"p": 1}, checkpoint={"step": 3}, record_every=timedelta(seconds=10)
        )
        reported = await harness.store.update_task(claimed, reported)
        cancelling = await harness.store.update_task(reported, reported.cancel(at=LATER, reason="stop"))
        assert await harness.store.get_task("work", "t1") == cancelling
        assert cancelling.checkpoint is not None
        assert cancelling.checkpoint.data == {"step": 3}
        assert cancelling.cancellation is not None
        assert cancelling.cancellation.reason == "stop"

        await harness.make_searchable()
        index = harness.store.names.queue("work")
        for query in (
            {"term": {"cancellation.reason": "stop"}},
            {"range": {"cancellation.requested_at": {"gte": "2024-05-01T13:00:00Z"}}},
            {"range": {"last_claimed.report_recorded_at": {"lte": "2024-05-01T12:00:00Z"}}},
        ):
            hits = (await harness.client.search(index=index, query=query))["hits"]["hits"]
            assert [hit["_id"] for hit in hits] == ["t1"], query
        unmapped = {"exists": {"field": "checkpoint.data.step"}}
        assert (await harness.client.search(index=index, query=unmapped))["hits"]["hits"] == []


async def test_setup_bootstraps_the_archive_alias_once() -> None:
    async with elasticsearch_harness() as harness:
        names = harness.store.names
        await harness.client.index(index=names.archive_alias, id="marker", document={"id": "marker"})
        await harness.store.setup()

        aliases = await harness.rest("GET", f"/_alias/{names.archive_alias}")
        assert aliases == {
            names.archive_first_index: {"aliases": {names.archive_alias: {"is_write_index": True}}}
        }
        assert (await harness.client.get(index=names.archive_alias, id="marker"))["found"]


async def test_archive_backing_indices_get_the_task_mapping_plus_archived_at() -> None:
    async with elasticsearch_harness() as harness:
        names = harness.store.names
        index = names.archive_first_index
        body = (await harness.client.indices.get(index=index))[index]
        properties = body["mappings"]["properties"]
        assert properties["archived_at"]["type"] == "date"
        assert properties["run_at"]["type"] == "date_nanos"
        assert properties["args"]["enabled"] is False
        assert await lifecycle_settings(harness, index) == wanted_lifecycle_settings(
            harness,
            enabled=harness.store.archive.ilm_enabled,
            policy=names.archive_policy,
            alias=names.archive_alias,
        )


async def test_setup_adds_archived_at_to_queue_indices_made_before_it() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        await harness.client.indices.create(
            index=harness.store.names.queue("old"),
            mappings={"dynamic": False, "properties": {"state": {"type": "keyword"}}},
        )
        await harness.store.setup()
        index = harness.store.names.queue("old")
        properties = (await mappings(harness, index))["properties"]
        assert properties["archived_at"] == {"type": "date"}
        assert deep_subset(task_properties_added_since_version_2(), properties)


async def test_setup_adds_the_new_task_fields_to_archive_indices_made_before_it() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        names = harness.store.names
        old = f"{names.prefix}archive-000000"
        await harness.client.indices.create(
            index=old, mappings={"dynamic": False, "properties": {"state": {"type": "keyword"}}}
        )
        await harness.store.setup()
        properties = (await mappings(harness, old))["properties"]
        assert deep_subset(task_properties_added_since_version_2(), properties)
        assert "archived_at" not in properties


def setup_failure_pattern(harness: ElasticsearchHarness) -> str:
    """How setup explains a lifecycle policy the engine refused: which policy, and the way out."""
    engine = harness.engine.engine
    return (
        f"installing the {LIFECYCLE_PLUGIN[engine]} policy {harness.store.names.archive_policy} failed"
        f".*run with storage\\.{engine}\\.ilm_enabled false"
    )


async def test_setup_explains_an_engine_without_its_lifecycle_plugin() -> None:
    engine = await engine_under_test()
    if engine.lifecycle:
        pytest.skip(f"{engine.description} has {LIFECYCLE_PLUGIN[engine.engine]}")
    async with elasticsearch_harness(set_up=False, ilm_enabled=True) as harness:
        with pytest.raises(StoreUnavailable, match=setup_failure_pattern(harness)):
            await harness.store.setup()
        assert not await harness.client.indices.exists(index=harness.store.names.archive_first_index)


async def test_setup_explains_a_lifecycle_policy_the_engine_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    async with elasticsearch_harness(set_up=False, ilm_enabled=True) as harness:
        install = harness.client.put_rollover_policy

        async def unparsable_size(policy: RolloverPolicy) -> None:
            # Past the store's own validation: the engine itself refuses the policy (or has no API).
            await install(dataclasses.replace(policy, rollover_max_primary_shard_size="50 gigs"))

        monkeypatch.setattr(harness.client, "put_rollover_policy", unparsable_size)
        with pytest.raises(StoreUnavailable, match=setup_failure_pattern(harness)):
            await harness.store.setup()
        if harness.engine.lifecycle:
            assert await harness.client.rollover_policy_version(harness.store.names.archive_policy) is None


def test_archive_options_are_validated_and_become_the_rollover_policy() -> None:
    with pytest.raises(ValueError, match="byte size"):
        ElasticsearchTaskStore.connect(["http://127.0.0.1:9"], archive_rollover_max_primary_shard_size="big")
    with pytest.raises(ValueError, match="negative"):
        ElasticsearchTaskStore.connect(["http://127.0.0.1:9"], archive_retention=timedelta(days=-1))
    store = ElasticsearchTaskStore.connect(
        ["http://127.0.0.1:9"], index_prefix="p_", archive_retention=timedelta(hours=36)
    )
    policy = archive_policy(store.names, store.archive)
    assert (policy.name, policy.index_pattern) == ("p_archive_policy", "p_archive-*")
    assert (policy.rollover_max_age, policy.rollover_max_primary_shard_size, policy.retention) == (
        timedelta(days=1),
        "50gb",
        timedelta(hours=36),
    )
    assert policy.tasques_version >= 1
    durations = [timedelta(hours=36), timedelta(seconds=90), timedelta(milliseconds=1500)]
    assert [engine_duration(duration) for duration in durations] == ["36h", "90s", "1500ms"]


async def test_ping_and_connect_reach_the_cluster() -> None:
    async with elasticsearch_harness() as harness:
        await harness.store.ping()
        await harness.store.probe_writes()  # creates the probe document
        await harness.store.probe_writes()  # its 409 also means the write path is open


async def test_ping_raises_store_unavailable_when_unreachable() -> None:
    # Annotated with the port so mypy checks the class against the whole protocol.
    store: Store = ElasticsearchTaskStore.connect(["http://127.0.0.1:9"], request_timeout=1.0)
    try:
        with pytest.raises(StoreUnavailable):
            await store.ping()
        with pytest.raises(StoreUnavailable):
            await store.get_task("work", "t1")
    finally:
        await store.close()


def test_index_prefix_is_validated() -> None:
    with pytest.raises(ValueError, match="lower case"):
        ElasticsearchTaskStore.connect(["http://127.0.0.1:9"], index_prefix="Tasques_")


# --- isolation and reads ------------------------------------------------------------------------


async def test_index_prefixes_isolate_stores() -> None:
    async with elasticsearch_harness() as first, elasticsearch_harness() as second:
        await created(first, new_task("shared-id"))
        await first.make_searchable()
        await second.make_searchable()

        with pytest.raises(TaskNotFound):
            await second.store.get_task("work", "shared-id")
        request = ClaimRequest(queues=(), amount=5, at=NOW)
        assert (await second.store.claim_tasks(request, claim_at(NOW))).claimed == []
        assert [task.id for task in (await first.store.claim_tasks(request, claim_at(NOW))).claimed] == [
            "shared-id"
        ]


async def test_get_of_missing_queue_index_or_document_is_not_found() -> None:
    async with elasticsearch_harness() as harness:
        with pytest.raises(TaskNotFound):
            await harness.store.get_task("never-written", "t1")
        await created(harness, new_task("t1"))
        with pytest.raises(TaskNotFound):
            await harness.store.get_task("work", "t2")


# --- writes --------------------------------------------------------------------------------------


async def test_bulk_create_reports_duplicates_in_place_with_versions_from_the_items() -> None:
    async with elasticsearch_harness() as harness:
        results = await harness.store.create_tasks(
            [new_task("a"), new_task("a"), new_task("b", queue="other")]
        )
        first, duplicate, other = results
        assert isinstance(first, Task)
        assert isinstance(other, Task)
        assert isinstance(duplicate, TaskAlreadyExists)
        assert first.metadata.version == (await harness.store.get_task("work", "a")).metadata.version
        assert other.metadata.version is not None


async def test_create_refuses_a_run_at_outside_the_date_nanos_range() -> None:
    async with elasticsearch_harness() as harness:
        with pytest.raises(InvalidInput, match="date_nanos"):
            await harness.store.create_tasks([new_task("old", run_at=datetime(1969, 12, 31, tzinfo=UTC))])


async def test_update_of_a_document_that_vanished_is_not_found() -> None:
    async with elasticsearch_harness() as harness:
        (task,) = await created(harness, new_task("t1"))
        await harness.client.delete(index=f"{harness.index_prefix}queue-work", id="t1")
        with pytest.raises(TaskNotFound):
            await harness.store.update_task(task, claim_at(NOW)(task))


async def test_stale_version_conflicts_and_batch_items_fail_on_their_own() -> None:
    async with elasticsearch_harness() as harness:
        one, two = await created(harness, new_task("one"), new_task("two"))
        claimed_one = await harness.store.update_task(one, claim_at(NOW)(one))
        results = await harness.store.update_tasks(
            [
                (one, claim_at(NOW, "late")(one)),
                (two, claim_at(NOW)(two)),
                (one.model_copy(update={"id": "gone"}), one),
            ]
        )
        assert isinstance(results[0], VersionConflict)
        assert isinstance(results[1], Task)
        assert results[1].state is TaskState.CLAIMED
        assert isinstance(results[2], TaskNotFound)
        assert (await harness.store.get_task("work", "one")).last_claimed == claimed_one.last_claimed


def test_applying_the_changes_as_the_script_does_yields_the_new_document() -> None:
    owner = Claimant(worker_id="w1")
    queued = new_task("t1", args={"big": "payload"}, recurring_task_id="r1")
    claimed = claim_at(NOW)(queued)
    reported = claimed.report_in(owner, at=NOW, data={"a": 1, "b": {"c": 2}})
    reported_again = reported.report_in(owner, at=NOW + timedelta(seconds=1), data=None)
    done = reported_again.mark_done(owner, at=NOW, data={"ok": True})
    for before, after in [
        (queued, claimed),
        (claimed, reported),
        (reported, reported_again),
        (reported_again, done),
    ]:
        stored, wanted = task_to_document(before), task_to_document(after)
        changes, removed = document_changes(stored, wanted)
        # What APPLY_CHANGES_SCRIPT does to ctx._source.
        applied = {key: value for key, value in {**stored, **changes}.items() if key not in removed}
        assert applied == wanted
        assert "args" not in changes


def test_document_changes_are_top_level_and_type_exact() -> None:
    before = {"args": {"n": 1}, "state": "queued", "recurring_task_id": "r", "context": {"flag": 1}}
    after = {"args": {"n": 1}, "state": "claimed", "context": {"flag": True}}
    assert document_changes(before, after) == (
        {"state": "claimed", "context": {"flag": True}},
        ["recurring_task_id"],
    )


# --- claiming ------------------------------------------------------------------------------------


async def test_uncontended_claims_are_best_first_at_microsecond_precision() -> None:
    # Every time below falls in one millisecond: ES ``date`` would see them all as equal.
    def micros(count: int) -> datetime:
        return NOW + timedelta(microseconds=count)

    async with elasticsearch_harness() as harness:
        await created(
            harness,
            new_task("low", priority=1, run_at=micros(100)),
            new_task("high-late", priority=5, run_at=micros(300)),
            new_task("high-early", priority=5, run_at=micros(200)),
            new_task("future", priority=9, run_at=micros(600)),
        )
        await harness.make_searchable()
        outcome = await harness.store.claim_tasks(
            ClaimRequest(queues=(), amount=2, at=micros(500)), claim_at(micros(500))
        )
        assert [task.id for task in outcome.claimed] == ["high-early", "high-late"]


async def test_claim_over_more_queues_than_a_url_can_name() -> None:
    queues = tuple(f"{'q' * 150}-{number}" for number in range(30))
    async with elasticsearch_harness() as harness:
        await created(harness, new_task("wanted", queue=queues[-1]), new_task("other", queue="elsewhere"))
        await harness.make_searchable()
        outcome = await harness.store.claim_tasks(
            ClaimRequest(queues=queues, amount=5, at=NOW), claim_at(NOW)
        )
        assert [task.id for task in outcome.claimed] == ["wanted"]


async def test_concurrent_claimers_never_share_a_task() -> None:
    async with elasticsearch_harness() as harness:
        await created(harness, *(new_task(f"t{i}") for i in range(12)))
        await harness.make_searchable()
        stores = [harness.sibling_store(random=Random(seed)) for seed in range(4)]
        request = ClaimRequest(queues=("work",), amount=4, at=NOW)
        outcomes = await asyncio.gather(*(store.claim_tasks(request, claim_at(NOW)) for store in stores))
        ids = [task.id for outcome in outcomes for task in outcome.claimed]
        assert len(ids) == len(set(ids))


class LastPick(Random):
    """Always picks the last allowed value, so spread-out top-ups are predictable."""

    def randrange(self, start: int, stop: int | None = None, step: int = 1) -> int:
        return (start if stop is None else stop) - 1


def versioned(task: Task) -> Task:
    metadata = Metadata(created_at=NOW, modified_at=NOW, version=Version(seq_num=1, primary_term=1))
    return task.model_copy(update={"metadata": metadata})


def writes_losing(
    lost: set[str], sent: list[list[str]]
) -> Callable[[list[tuple[Task, Task]]], Awaitable[list[BulkItem]]]:
    async def write(window: list[tuple[Task, Task]]) -> list[BulkItem]:
        sent.append([previous.id for previous, _ in window])
        conflict = {"type": "version_conflict_engine_exception", "reason": "[x]: version conflict"}
        return [
            BulkItem(status=409, version=None, error=conflict)
            if previous.id in lost
            else BulkItem(status=200, version=Version(seq_num=2, primary_term=1), error=None)
            for previous, _ in window
        ]

    return write


def test_top_ups_spread_within_the_best_remaining_priority_only() -> None:
    remaining = [
        new_task("a", priority=5),
        new_task("b", priority=5),
        new_task("c", priority=5),
        new_task("d"),
    ]
    assert [task.id for task in spread_top_up(remaining, random=LastPick())] == ["c", "a", "b", "d"]


async def test_claim_skips_conflicts_tops_up_and_counts_them() -> None:
    tasks = [versioned(new_task(f"t{i}", priority=5)) for i in range(5)] + [versioned(new_task("t5"))]
    sent: list[list[str]] = []

    outcome = await claim_in_windows(
        tasks, amount=3, claim=claim_at(NOW), write=writes_losing({"t0", "t2", "t4"}, sent), random=LastPick()
    )

    # The first window is the best three; after each loss the walk restarts inside the best priority.
    assert sent == [["t0", "t1", "t2"], ["t4", "t3"], ["t5"]]
    assert [task.id for task in outcome.claimed] == ["t1", "t3", "t5"]
    assert outcome.conflicts == 3


async def test_claim_keeps_what_it_won_when_a_top_up_fails() -> None:
    tasks = [versioned(new_task(f"t{i}")) for i in range(4)]
    sent: list[list[str]] = []
    first_window = writes_losing({"t0"}, sent)

    async def write(window: list[tuple[Task, Task]]) -> list[BulkItem]:
        if sent:
            raise StoreUnavailable("connection reset")
        return await first_window(window)

    outcome = await claim_in_windows(tasks, amount=2, claim=claim_at(NOW), write=write, random=Random(0))
    assert [task.id for task in outcome.claimed] == ["t1"]


async def test_claim_raises_when_every_write_fails_for_another_reason() -> None:
    async def write(window: list[tuple[Task, Task]]) -> list[BulkItem]:
        error = {"type": "illegal_argument_exception", "reason": "cannot execute [inline] scripts"}
        return [BulkItem(status=400, version=None, error=error) for _ in window]

    with pytest.raises(StoreUnavailable, match="scripts are disabled"):
        await claim_in_windows(
            [versioned(new_task("t0"))], amount=1, claim=claim_at(NOW), write=write, random=Random(0)
        )


# --- archive and tombstones ------------------------------------------------------------------------

OWNER = Claimant(worker_id="w1")
LATER = NOW + timedelta(hours=1)


async def finished(harness: ElasticsearchHarness, *tasks: Task) -> list[Task]:
    done = []
    for task in await created(harness, *tasks):
        claimed = await harness.store.update_task(task, claim_at(NOW)(task))
        done.append(await harness.store.update_task(claimed, claimed.mark_done(OWNER, at=NOW, data=None)))
    await harness.make_searchable()
    return done


async def archive_all(
    harness: ElasticsearchHarness, store: ElasticsearchTaskStore | None = None, *, at: datetime = LATER
) -> ArchiveOutcome:
    outcome = await (store or harness.store).archive_finished(finished_before=NOW, at=at, limit=100)
    await harness.make_searchable()
    return outcome


async def archive_copies(harness: ElasticsearchHarness) -> list[str]:
    response = await harness.client.search(index=harness.store.names.archive_alias, size=100)
    return sorted(hit["_id"] for hit in response["hits"]["hits"])


async def test_archiving_leaves_a_tombstone_that_no_live_query_matches() -> None:
    async with elasticsearch_harness() as harness:
        (done,) = await finished(harness, new_task("t1", recurring_task_id="r"))
        assert (await archive_all(harness)).archived == 1

        live = (await harness.client.get(index=harness.store.names.queue("work"), id="t1"))["_source"]
        assert live == {
            "id": "t1",
            "queue": "work",
            "state": "archived",
            "archived_at": "2024-05-01T13:00:00.000000Z",
            "archive_index": harness.store.names.archive_first_index,
            "archive_id": "work/t1",
        }
        assert await archive_copies(harness) == ["work/t1"]
        (duplicate,) = await harness.store.create_tasks([new_task("t1")])
        assert isinstance(duplicate, TaskAlreadyExists)
        request = ClaimRequest(queues=(), amount=5, at=LATER)
        assert (await harness.store.claim_tasks(request, claim_at(LATER))).claimed == []
        assert await harness.store.find_timed_out(at=LATER + timedelta(days=1), limit=10) == []
        assert await harness.store.count_outstanding(queue="work", recurring_task_id="r") == 0
        assert (await archive_all(harness)).archived == 0

        archived = await harness.store.get_task("work", "t1")
        assert archived.model_dump(exclude={"metadata"}) == done.model_dump(exclude={"metadata"})


async def test_archived_tasks_are_read_only_and_stale_versions_conflict() -> None:
    async with elasticsearch_harness() as harness:
        (done,) = await finished(harness, new_task("t1"))
        await archive_all(harness)
        archived = await harness.store.get_task("work", "t1")

        requeued = archived.model_copy(update={"state": TaskState.QUEUED})
        with pytest.raises(TaskNotFound):
            await harness.store.update_task(archived, requeued)
        with pytest.raises(VersionConflict):
            await harness.store.update_task(done, requeued)
        assert (await harness.store.get_task("work", "t1")).state is TaskState.DONE


async def test_archived_tasks_stay_readable_after_their_dedup_record_is_pruned() -> None:
    async with elasticsearch_harness() as harness:
        await finished(harness, *(new_task(f"t{i}") for i in range(5)))
        await archive_all(harness)

        dedup_before = LATER + timedelta(seconds=1)
        pruned = []
        for _ in range(4):
            pruned.append(
                await harness.store.prune_archive(archived_before=None, dedup_before=dedup_before, limit=2)
            )
            # Pruning does not refresh: until a refresh, the next pass's search still sees these.
            await harness.make_searchable()
        assert pruned == [2, 2, 1, 0]

        assert (await harness.store.get_task("work", "t3")).state is TaskState.DONE
        assert len(await archive_copies(harness)) == 5


async def test_a_task_changed_between_copy_and_tombstone_loses_its_copy() -> None:
    class ChangesBetweenSteps(ElasticsearchTaskStore):
        async def _copy(self, candidates: Any, archived_at: str, failures: list[str]) -> Any:
            copied = await super()._copy(candidates, archived_at, failures)
            task = await self.get_task("work", "t1")
            await self.update_task(task, task.model_copy(update={"state": TaskState.QUEUED}))
            return copied

    async with elasticsearch_harness() as harness:
        await finished(harness, new_task("t1"))
        store = ChangesBetweenSteps(harness.client, index_prefix=harness.index_prefix, scripted_updates=False)

        outcome = await archive_all(harness, store)

        assert (outcome.archived, outcome.skipped) == (0, 1)
        assert (await harness.store.get_task("work", "t1")).state is TaskState.QUEUED
        assert await archive_copies(harness) == []


async def test_archive_ids_fit_the_id_limit_and_cannot_collide() -> None:
    long_id = "x" * 512
    assert archive_document_id("work", "t1") == "work/t1"
    hashed = archive_document_id("q" * 200, long_id)
    assert len(hashed.encode()) <= 512
    assert hashed.startswith("q" * 200 + "/_")
    async with elasticsearch_harness() as harness:
        (done,) = await finished(harness, new_task(long_id, queue="q" * 200))
        assert (await archive_all(harness)).archived == 1
        assert (await harness.store.get_task("q" * 200, long_id)).id == done.id


async def test_archiving_before_setup_fails_instead_of_creating_an_index_named_like_the_alias() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        await harness.client.indices.put_index_template(**task_template_body(harness.store.names))
        await finished(harness, new_task("t1"))
        with pytest.raises(StoreUnavailable, match="archive"):
            await archive_all(harness)
        assert not await harness.client.indices.exists(index=harness.store.names.archive_alias)
        assert (await harness.store.get_task("work", "t1")).state is TaskState.DONE


async def roll_over(harness: ElasticsearchHarness) -> str:
    """What the lifecycle's rollover does, by hand, at the moment the test chooses."""
    names = harness.store.names
    second = f"{names.prefix}archive-000002"
    await harness.client.indices.create(index=second)
    await swap_write_index(harness, names.archive_alias, names.archive_first_index, second)
    return second


async def test_reads_and_retention_span_every_backing_index_and_the_newest_copy_wins() -> None:
    async with elasticsearch_harness() as harness:
        store, day = harness.store, timedelta(days=1)
        await finished(harness, new_task("t1", args={"round": 1}))
        await archive_all(harness)
        await store.prune_archive(archived_before=None, dedup_before=LATER + day, limit=10)
        await harness.make_searchable()
        second = await roll_over(harness)

        await finished(harness, new_task("t1", args={"round": 2}), new_task("t2"))
        await archive_all(harness, at=LATER + day)
        await store.prune_archive(archived_before=None, dedup_before=LATER + 2 * day, limit=10)
        await harness.make_searchable()

        assert (await store.get_task("work", "t1")).args == {"round": 2}
        assert (await harness.client.get(index=second, id="work/t2"))["found"]
        pruned = await store.prune_archive(archived_before=LATER + 2 * day, dedup_before=NOW, limit=10)
        assert pruned == 3
        await harness.make_searchable()
        with pytest.raises(TaskNotFound):
            await harness.store.get_task("work", "t1")


# --- locks, recurring definitions, outstanding counts -----------------------------------------------


async def test_locks_and_recurring_definitions_without_their_indices() -> None:
    async with elasticsearch_harness(set_up=False) as harness:
        store = harness.store
        assert await store.read_lock("leader") is None
        assert await store.list_recurring() == []
        assert await store.count_outstanding(queue="work", recurring_task_id="r") == 0
        with pytest.raises(RecurringTaskNotFound):
            await store.get_recurring("r")


async def test_list_recurring_reads_every_page(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("app.storage.elasticsearch.recurring.LIST_PAGE_SIZE", 3)
    async with elasticsearch_harness() as harness:
        ids = [f"r{number:02d}" for number in range(10)]
        for recurring_id in reversed(ids):
            await harness.store.create_recurring(recurring(recurring_id))
        listed = await harness.sibling_store().list_recurring()
        assert [item.id for item in listed] == ids
        assert all(item.metadata.version is not None for item in listed)


async def test_count_outstanding_sees_writes_made_just_before() -> None:
    async with elasticsearch_harness() as harness:
        (task,) = await created(harness, new_task("t0", recurring_task_id="r"))
        await stop_refreshing(harness, harness.store.names.queue("work"))
        await created(harness, new_task("t1", recurring_task_id="r"))
        await harness.store.update_task(task, claim_at(NOW)(task))
        assert await harness.store.count_outstanding(queue="work", recurring_task_id="r") == 2


async def test_harness_leaves_nothing_behind_under_its_prefix() -> None:
    async with elasticsearch_harness() as first:
        names = first.store.names
        await finished(first, new_task("t1"))
        await archive_all(first)
        await first.store.create_lock("leader", holder="a", at=NOW, lease=timedelta(seconds=5))
    async with elasticsearch_harness(set_up=False) as second:
        leftovers = await second.client.indices.get(
            index=names.everything, ignore_unavailable=True, allow_no_indices=True, expand_wildcards="all"
        )
        assert leftovers == {}
        assert not await second.client.indices.exists_alias(name=names.archive_alias)
        assert not await second.client.indices.exists_alias(name=names.events_alias)
        for template in (names.task_template, names.archive_template, names.events_template):
            with pytest.raises(EngineRestError) as raised:
                await second.rest("GET", f"/_index_template/{template}")
            assert raised.value.status == 404
        if second.engine.lifecycle:
            for policy in (names.archive_policy, names.events_policy):
                assert await second.client.rollover_policy_version(policy) is None


# --- what the engine itself does -------------------------------------------------------------------


@pytest.mark.engine_behaviour
async def test_scripted_updates_replace_payloads_and_keep_unknown_keys() -> None:
    async with elasticsearch_harness(scripted_updates=True) as harness:
        (task,) = await created(harness, new_task("t1", args={"big": "payload"}))
        index = f"{harness.index_prefix}queue-work"
        # A key this code does not know, as a newer server version might write it.
        await harness.rest("POST", f"/{index}/_update/t1", {"doc": {"x_future": {"kept": True}}})
        task = await harness.store.get_task("work", "t1")
        claimant = Claimant(worker_id="w1")
        task = await harness.store.update_task(task, claim_at(NOW)(task))
        task = await harness.store.update_task(task, task.report_in(claimant, at=NOW, data={"a": 1, "b": 2}))
        task = await harness.store.update_task(
            task, task.report_in(claimant, at=NOW + timedelta(seconds=1), data={"a": 1})
        )
        source = (await harness.client.get(index=index, id="t1"))["_source"]
        assert source["last_claimed"]["last_report"]["data"] == {"a": 1}
        assert source["x_future"] == {"kept": True}
        assert source["args"] == {"big": "payload"}
        assert (await harness.store.get_task("work", "t1")) == task


@pytest.mark.engine_behaviour
async def test_search_misses_unrefreshed_writes_while_realtime_get_sees_them() -> None:
    async with elasticsearch_harness() as harness:
        await created(harness, new_task("first"))
        await stop_refreshing(harness, f"{harness.index_prefix}queue-work")
        await created(harness, new_task("second", priority=5))
        assert (await harness.store.get_task("work", "second")).state is TaskState.QUEUED

        request = ClaimRequest(queues=("work",), amount=2, at=NOW)
        outcome = await harness.sibling_store().claim_tasks(request, claim_at(NOW))
        assert [task.id for task in outcome.claimed] == ["first"]

        # The claim is not refreshed either: a search still shows "first" queued, a realtime get claimed.
        index = f"{harness.index_prefix}queue-work"
        searched = await harness.rest("POST", f"/{index}/_search", {"query": {"ids": {"values": ["first"]}}})
        assert [hit["_source"]["state"] for hit in searched["hits"]["hits"]] == ["queued"]
        assert (await harness.rest("GET", f"/{index}/_doc/first", realtime=True))["_source"][
            "state"
        ] == "claimed"
        # So a second server gets nothing: the first one's claimer heartbeat (written with a refresh) tells
        # it another server claims, and it checks its candidates' realtime versions before writing.
        rival = await harness.sibling_store().claim_tasks(request, claim_at(NOW, "w2"))
        assert (rival.claimed, rival.conflicts) == ([], 0)

        await harness.make_searchable()
        late = await harness.sibling_store().claim_tasks(request, claim_at(NOW, "w2"))
        assert [task.id for task in late.claimed] == ["second"]


@pytest.mark.engine_behaviour
async def test_setup_installs_the_ilm_policy_and_verify_setup_checks_its_version() -> None:
    await require_lifecycle("elasticsearch")
    async with elasticsearch_harness(archive_retention=timedelta(days=7)) as harness:
        names = harness.store.names
        body = await harness.rest("GET", f"/_ilm/policy/{names.archive_policy}")
        policy = body[names.archive_policy]["policy"]
        phases = policy["phases"]
        rollover = phases["hot"]["actions"]["rollover"]
        assert (rollover["max_age"], rollover["max_primary_shard_size"].lower()) == ("1d", "50gb")
        assert (phases["delete"]["min_age"], phases["delete"]["actions"]) == ("7d", {"delete": {}})
        wanted = archive_policy(names, harness.store.archive)
        assert policy["_meta"]["tasques_version"] == wanted.tasques_version
        index = names.archive_first_index
        explained = (await harness.rest("GET", f"/{index}/_ilm/explain"))["indices"][index]
        assert (explained["managed"], explained["policy"]) == (True, names.archive_policy)

        await harness.client.put_rollover_policy(dataclasses.replace(wanted, tasques_version=0))
        stale = await harness.rest("GET", f"/_ilm/policy/{names.archive_policy}")
        assert stale[names.archive_policy]["policy"]["_meta"]["tasques_version"] == 0
        with pytest.raises(StoreNotSetUp, match=f"ILM policy {names.archive_policy} \\(version 0"):
            await harness.store.verify_setup()
        await harness.store.setup()
        await harness.store.verify_setup()


@pytest.mark.engine_behaviour
async def test_setup_installs_the_ism_policy_and_verify_setup_checks_its_version() -> None:
    await require_lifecycle("opensearch")
    async with elasticsearch_harness(archive_retention=timedelta(days=7)) as harness:
        names = harness.store.names
        wanted = archive_policy(names, harness.store.archive)
        installed = await harness.rest("GET", f"/_plugins/_ism/policies/{names.archive_policy}")
        assert_ism_policy(installed, wanted, max_age="1d", retention="7d")
        assert await ism_policy_attached(harness, names.archive_first_index) == names.archive_policy

        await harness.client.put_rollover_policy(dataclasses.replace(wanted, tasques_version=0))
        stale = await harness.rest("GET", f"/_plugins/_ism/policies/{names.archive_policy}")
        assert "[tasques_version 0]" in stale["policy"]["description"]
        with pytest.raises(StoreNotSetUp, match=f"ISM policy {names.archive_policy} \\(version 0"):
            await harness.store.verify_setup()
        await harness.store.setup()
        await harness.store.verify_setup()


@pytest.mark.engine_behaviour
async def test_an_archived_task_is_readable_before_its_copy_is_searchable() -> None:
    async with elasticsearch_harness() as harness:
        names = harness.store.names
        await stop_refreshing(harness, names.archive_first_index)
        await finished(harness, new_task("t1"))
        assert (await harness.store.archive_finished(finished_before=NOW, at=LATER, limit=10)).archived == 1

        assert await archive_copies(harness) == []
        assert (await harness.store.get_task("work", "t1")).state is TaskState.DONE
