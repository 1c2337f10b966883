"""Creation is create-only and idempotent per queue; reads are realtime and round-trip every field."""

import pytest

from app.domain.errors import TaskAlreadyExists, TaskNotFound
from app.domain.task import Claimant, Task
from app.storage.port import ClaimRequest
from tests.contract.conftest import T0, StoreHarness, queued_task


async def test_created_task_reads_back_identically_with_a_version(harness: StoreHarness) -> None:
    original = queued_task("a", args={"nested": {"keep_null": None}, "n": [1, 2.5, "x"]})

    (created,) = await harness.store.create_tasks([original])
    fetched = await harness.store.get_task("q", "a")

    assert isinstance(created, Task)
    assert created.metadata.version is not None
    assert fetched == created
    assert fetched.model_dump(exclude={"metadata"}) == original.model_dump(exclude={"metadata"})
    assert fetched.args == {"nested": {"keep_null": None}, "n": [1, 2.5, "x"]}


async def test_same_id_is_a_conflict_in_one_queue_but_not_across_queues(harness: StoreHarness) -> None:
    await harness.store.create_tasks([queued_task("dup", args={"first": True})])

    results = await harness.store.create_tasks(
        [queued_task("dup", args={"first": False}), queued_task("dup", queue="other"), queued_task("fresh")]
    )

    assert isinstance(results[0], TaskAlreadyExists)
    assert isinstance(results[1], Task)
    assert isinstance(results[2], Task)
    assert (await harness.store.get_task("q", "dup")).args == {"first": True}


async def test_unknown_task_or_queue_is_not_found(harness: StoreHarness) -> None:
    await harness.store.create_tasks([queued_task("a")])

    with pytest.raises(TaskNotFound):
        await harness.store.get_task("q", "missing")
    with pytest.raises(TaskNotFound):
        await harness.store.get_task("never-used-queue", "a")


async def test_a_new_task_is_readable_by_id_at_once_from_another_server(harness: StoreHarness) -> None:
    (created,) = await harness.store.create_tasks([queued_task("a")])

    assert await harness.sibling().get_task("q", "a") == created


# Values the fast JSON paths refuse or change (orjson reads integers past 64 bits as floats and refuses
# lone surrogates), which both stores must still hand back exactly: through the realtime read, the
# claim search's hits and a compare-and-swap write.
AWKWARD_ARGS = {"wide": 2**70, "negative_wide": -(2**65), "lone": "\ud800", "text": "naïve ✓ 😀", "f": 0.1}


async def test_wide_integers_and_lone_surrogates_round_trip_through_reads_claims_and_writes(
    harness: StoreHarness,
) -> None:
    (created,) = await harness.store.create_tasks([queued_task("awkward", args=AWKWARD_ARGS)])
    assert isinstance(created, Task)
    assert (await harness.store.get_task("q", "awkward")).args == AWKWARD_ARGS
    await harness.make_searchable()

    outcome = await harness.store.claim_tasks(
        ClaimRequest(queues=("q",), amount=1, at=T0),
        lambda task: task.claim(worker_id="w", at=T0, lease_token="lease"),
    )
    (claimed,) = outcome.claimed
    assert claimed.args == AWKWARD_ARGS

    done = claimed.mark_done(Claimant(worker_id="w", lease_token="lease"), at=T0, data={"wide": 2**80})
    (written,) = await harness.store.update_tasks([(claimed, done)])
    assert isinstance(written, Task)
    stored = await harness.store.get_task("q", "awkward")
    assert stored.args == AWKWARD_ARGS
    assert stored.last_claimed is not None
    assert stored.last_claimed.result is not None
    assert stored.last_claimed.result.success == {"wide": 2**80}
