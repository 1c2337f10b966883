"""Push worker registrations and push delivery on every backend, through ``run_once`` with a frozen clock
and an in-process sender standing in for the worker's HTTP endpoint."""

import json
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta

import pytest

from app.api.wire_models import wire_task
from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.backoff import BackoffPolicy
from app.domain.errors import PushWorkerAlreadyExists, PushWorkerNotFound, VersionConflict
from app.domain.push_workers import PushWorker
from app.domain.states import TaskState
from app.domain.task import Claimant, JsonObject
from app.maintenance.push_delivery import PushDelivery, PushDeliverySettings
from app.services.new_task import NewTask
from app.services.push_dispatch import PushDispatcher, PushDispatcherDependencies
from app.services.push_sender import DeliveryFailed, PushResponse
from app.services.push_signing import SIGNATURE_HEADER, signature_matches
from app.services.push_workers import NewPushWorker
from app.storage.port import Store
from tests.contract.conftest import T0, StoreHarness

SECRET = "a-shared-secret-of-some-length"
SECOND = timedelta(seconds=1)
Answer = Callable[[JsonObject], PushResponse]


@dataclass
class FakeWorkerEndpoint:
    """Records deliveries and answers with ``answer`` (a response, or ``DeliveryFailed`` raised)."""

    answer: Answer = field(default=lambda _: PushResponse(202, b""))
    received: list[JsonObject] = field(default_factory=list)
    signatures_ok: list[bool] = field(default_factory=list)
    closed: bool = False

    async def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> PushResponse:
        payload = json.loads(body)
        self.signatures_ok.append(signature_matches(SECRET, body, headers[SIGNATURE_HEADER]))
        assert headers["X-TASQUES-WORKER-ID"] == payload["worker_id"]
        assert headers["X-TASQUES-LEASE-TOKEN"] == payload["lease_token"]
        self.received.append(payload)
        return self.answer(payload)

    async def close(self) -> None:
        self.closed = True


def unreachable(_: JsonObject) -> PushResponse:
    raise DeliveryFailed("could not connect: refused", maybe_delivered=False)


def silent(_: JsonObject) -> PushResponse:
    raise DeliveryFailed("no answer: read timeout", maybe_delivered=True)


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(), clock=clock, store=harness.store)


@pytest.fixture
def endpoint() -> FakeWorkerEndpoint:
    return FakeWorkerEndpoint()


def dispatcher(
    components: Components, clock: FrozenClock, endpoint: FakeWorkerEndpoint, store: Store | None = None
) -> PushDispatcher:
    return PushDispatcher(
        PushDispatcherDependencies(
            store=store or components.store,
            claims=components.claims,
            tasks=components.tasks,
            sender=endpoint,
            render=lambda task: wire_task(task, for_claimer=True).model_dump(mode="json", exclude_none=True),
            clock=clock,
            backoff=BackoffPolicy(base=SECOND, max=timedelta(minutes=1), jitter=0),
            rng=random.Random(0),
        )
    )


async def register(components: Components, *, max_in_flight: int = 2, worker_id: str = "w1") -> PushWorker:
    return await components.push_workers.register(
        NewPushWorker(
            id=worker_id,
            url="http://127.0.0.1:9/",
            queues=["push"],
            max_in_flight=max_in_flight,
            secret=SECRET,
        )
    )


async def enqueue(components: Components, count: int) -> None:
    await components.tasks.create_tasks(
        [NewTask(queue="push", kind="k", id=f"t{index}", retry_times=1) for index in range(count)]
    )


async def dispatch(harness: StoreHarness, push: PushDispatcher) -> None:
    await harness.make_searchable()  # listings and claim candidates are near-real-time on Elasticsearch
    await push.dispatch_once()
    await push.settle()


async def states(harness: StoreHarness, count: int) -> list[TaskState]:
    tasks = await harness.store.get_tasks([("push", f"t{index}") for index in range(count)])
    return [task.state for task in tasks if not isinstance(task, Exception)]


async def test_registrations_are_created_once_read_compare_and_swapped_and_deleted(
    harness: StoreHarness,
) -> None:
    worker = PushWorker(
        id="w1",
        url="http://w/",
        queues=("a", "b"),
        capabilities=("gpu",),
        max_in_flight=3,
        secret=SECRET,
        created_at=T0,
    )
    created = await harness.store.create_push_worker(worker)
    with pytest.raises(PushWorkerAlreadyExists):
        await harness.store.create_push_worker(worker)
    read = await harness.sibling().get_push_worker("w1")
    assert read == created
    assert read.secret == SECRET
    assert SECRET not in repr(read)

    backed_off = await harness.store.update_push_worker(
        read,
        replace(read, consecutive_failures=1, retry_at=T0 + SECOND, last_error="refused", last_failure_at=T0),
    )
    assert (await harness.store.get_push_worker("w1")) == backed_off
    with pytest.raises(VersionConflict):
        await harness.store.update_push_worker(read, read)
    with pytest.raises(VersionConflict):
        await harness.store.delete_push_worker(read)
    await harness.store.create_push_worker(replace(worker, id="w0"))
    await harness.make_searchable()
    assert [listed.id for listed in await harness.store.list_push_workers()] == ["w0", "w1"]

    await harness.store.delete_push_worker(backed_off)
    with pytest.raises(PushWorkerNotFound):
        await harness.store.get_push_worker("w1")
    with pytest.raises(PushWorkerNotFound):
        await harness.store.delete_push_worker(backed_off)


async def test_deliveries_are_signed_and_never_exceed_max_in_flight(
    harness: StoreHarness, components: Components, clock: FrozenClock, endpoint: FakeWorkerEndpoint
) -> None:
    await register(components, max_in_flight=2)
    await enqueue(components, 5)
    push = dispatcher(components, clock, endpoint)

    await dispatch(harness, push)
    await dispatch(harness, push)  # both still held (accepted with 202): nothing more

    assert len(endpoint.received) == 2
    assert all(endpoint.signatures_ok)
    first = endpoint.received[0]
    assert first["worker_id"] == "push:w1"
    assert first["task"]["lease_token"] == first["lease_token"]
    assert first["task"]["state"] == "claimed"
    await components.tasks.mark_done(
        "push",
        first["task"]["id"],
        Claimant(worker_id="push:w1", lease_token=first["lease_token"]),
        {"ok": True},
    )
    await dispatch(harness, push)
    assert len(endpoint.received) == 3
    assert sorted(await states(harness, 5)) == sorted(
        [TaskState.DONE, *[TaskState.CLAIMED] * 2, *[TaskState.QUEUED] * 2]
    )


async def test_a_new_leader_counts_what_the_old_one_handed_out(
    harness: StoreHarness, components: Components, clock: FrozenClock, endpoint: FakeWorkerEndpoint
) -> None:
    await register(components, max_in_flight=2)
    await enqueue(components, 4)
    await dispatch(harness, dispatcher(components, clock, endpoint))

    await dispatch(harness, dispatcher(components, clock, endpoint, harness.sibling()))

    assert len(endpoint.received) == 2


async def test_the_push_answer_can_finish_the_task(
    harness: StoreHarness, components: Components, clock: FrozenClock, endpoint: FakeWorkerEndpoint
) -> None:
    answers = {
        "t0": PushResponse(200, b'{"outcome": "done", "data": {"n": 0}}'),
        "t1": PushResponse(200, b'{"outcome": "failed", "data": {"error": "no"}}'),
        "t2": PushResponse(204, b""),
        "t3": PushResponse(200, b"<html>"),
    }
    endpoint.answer = lambda payload: answers[payload["task"]["id"]]
    await register(components, max_in_flight=4)
    await enqueue(components, 4)

    await dispatch(harness, dispatcher(components, clock, endpoint))

    done, failed, empty, unreadable = [
        await harness.store.get_task("push", f"t{index}") for index in range(4)
    ]
    assert done.state is TaskState.DONE
    assert done.last_claimed is not None
    assert done.last_claimed.result is not None
    assert done.last_claimed.result.success == {"n": 0}
    assert failed.state is TaskState.FAILED  # one retry left, backing off
    assert empty.state is TaskState.DONE
    assert unreadable.state is TaskState.FAILED


async def test_an_unreachable_worker_is_backed_off_and_its_tasks_handed_back(
    harness: StoreHarness, components: Components, clock: FrozenClock, endpoint: FakeWorkerEndpoint
) -> None:
    endpoint.answer = unreachable
    await register(components, max_in_flight=3)
    await enqueue(components, 5)
    push = dispatcher(components, clock, endpoint)

    await dispatch(harness, push)

    assert len(endpoint.received) == 3
    worker = await components.push_workers.get("w1")
    # Three deliveries failed together: one failure, one back-off step.
    assert (worker.consecutive_failures, worker.retry_at) == (1, T0 + SECOND)
    assert worker.last_error == "could not connect: refused"
    tasks = await harness.store.get_tasks([("push", f"t{index}") for index in range(5)])
    assert all(
        not isinstance(task, Exception) and (task.state, task.attempted) == (TaskState.QUEUED, 0)
        for task in tasks
    )

    await dispatch(harness, push)
    assert len(endpoint.received) == 3  # backing off
    clock.advance(SECOND)
    await dispatch(harness, push)
    assert len(endpoint.received) == 4  # one probe
    assert (await components.push_workers.get("w1")).retry_at == T0 + 3 * SECOND  # 1 s, then 2 s

    endpoint.answer = lambda _: PushResponse(202, b"")
    clock.advance(2 * SECOND)
    await dispatch(harness, push)  # the probe gets through and clears the back-off
    assert (await components.push_workers.get("w1")).consecutive_failures == 0
    await dispatch(harness, push)
    assert len(endpoint.received) == 4 + 3


@pytest.mark.parametrize(
    ("failure", "task_state"),
    [
        (lambda _: PushResponse(503, b"busy"), TaskState.QUEUED),
        (silent, TaskState.CLAIMED),
    ],
    ids=["5xx: handed back", "no answer: may have it"],
)
async def test_failed_deliveries_back_off_the_worker(
    harness: StoreHarness,
    components: Components,
    clock: FrozenClock,
    endpoint: FakeWorkerEndpoint,
    failure: Answer,
    task_state: TaskState,
) -> None:
    endpoint.answer = failure
    await register(components, max_in_flight=1)
    await enqueue(components, 1)

    await dispatch(harness, dispatcher(components, clock, endpoint))

    assert (await components.push_workers.get("w1")).consecutive_failures == 1
    assert (await harness.store.get_task("push", "t0")).state is task_state


async def test_the_periodic_service_reports_what_ended_and_closes_its_sender(
    harness: StoreHarness, components: Components, clock: FrozenClock, endpoint: FakeWorkerEndpoint
) -> None:
    endpoint.answer = lambda _: PushResponse(200, b'{"outcome": "done"}')
    await register(components, max_in_flight=2)
    await enqueue(components, 2)
    push = dispatcher(components, clock, endpoint)
    service = PushDelivery(push, settings=PushDeliverySettings())

    await harness.make_searchable()
    first = await service.run_once()
    await push.settle()
    second = await service.run_once()
    await push.close(grace=SECOND)

    assert "claimed 2 tasks" in first.summary
    assert "2 done" in second.summary
    assert endpoint.closed


async def test_a_push_worker_gets_only_tasks_its_capabilities_cover(
    harness: StoreHarness, components: Components, clock: FrozenClock, endpoint: FakeWorkerEndpoint
) -> None:
    await register(components, max_in_flight=5, worker_id="plain")
    await components.push_workers.register(
        NewPushWorker(
            id="gpu",
            url="http://127.0.0.1:9/",
            queues=["push"],
            capabilities=["gpu"],
            max_in_flight=5,
            secret=SECRET,
        )
    )
    await components.tasks.create_tasks(
        [
            NewTask(queue="push", kind="k", id="needs-gpu", required_capabilities=("gpu",)),
            NewTask(queue="push", kind="k", id="any"),
        ]
    )

    await dispatch(harness, dispatcher(components, clock, endpoint))

    delivered = {(payload["worker_id"], payload["task"]["id"]) for payload in endpoint.received}
    assert ("push:gpu", "needs-gpu") in delivered
    assert ("push:plain", "needs-gpu") not in delivered
    assert len(delivered) == 2
