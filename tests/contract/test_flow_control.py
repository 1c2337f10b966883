"""Flow control at claim time, the same on every backend: concurrency and rate limits per queue and per
key, fairness across keys, capability matching. Sibling stores stand for other servers."""

import asyncio
import random
import sqlite3
from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from app.components import build_components
from app.config import Settings
from app.domain.flow import FlowLimit, FlowRules, LimitKind, RateLimit, ScopeKind
from app.domain.states import TaskState
from app.domain.task import Claimant, Task
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from app.storage.documents import task_to_document
from app.storage.port import ClaimOutcome, ClaimRequest, FlowOptions, Store, TaskStore
from app.storage.sqlite import SqliteTaskStore
from app.storage.sqlite.rows import dumps, micros
from tests.contract.conftest import T0, StoreHarness, queued_task

NOW = T0 + timedelta(hours=1)


def keyed(
    task_id: str,
    *,
    queue: str = "q",
    key: str | None = None,
    rate_key: str | None = None,
    priority: int = 0,
    requires: tuple[str, ...] | None = None,
    minute: int = 0,
) -> Task:
    return queued_task(
        task_id, queue=queue, priority=priority, run_at=T0 + timedelta(minutes=minute)
    ).model_copy(
        update={"concurrency_key": key, "rate_limit_key": rate_key, "required_capabilities": requires}
    )


def limits(
    *, queues: dict[str, FlowLimit] | None = None, keys: dict[str, FlowLimit] | None = None
) -> FlowOptions:
    return FlowOptions(
        rules=FlowRules(queues=tuple((queues or {}).items()), keys=tuple((keys or {}).items()))
    )


async def claim(
    store: TaskStore,
    amount: int,
    *,
    flow: FlowOptions | None = None,
    queues: tuple[str, ...] = ("q",),
    capabilities: frozenset[str] | None = None,
    at: datetime = NOW,
    worker: str = "w",
    offered: tuple[Task, ...] = (),
) -> ClaimOutcome:
    request = ClaimRequest(
        queues=queues,
        amount=amount,
        at=at,
        flow=flow or FlowOptions(),
        capabilities=capabilities,
        offered=offered,
    )
    return await store.claim_tasks(
        request,
        lambda task: task.claim(worker_id=worker, at=at, lease_token=f"{worker}-{task.id}-{at.timestamp()}"),
    )


async def finish(store: TaskStore, task: Task, *, release: bool = True) -> None:
    """Done through a CAS, as the task service does; with or without the release it adds."""
    assert task.last_claimed is not None
    owner = Claimant(worker_id=task.last_claimed.worker_id)
    await store.update_task(task, task.mark_done(owner, at=NOW, data=None))
    if release:
        await store.release_claims([task])


async def states(store: TaskStore, tasks: Sequence[Task]) -> Counter[TaskState]:
    found = await store.get_tasks([(task.queue, task.id) for task in tasks])
    return Counter(task.state for task in found if isinstance(task, Task))


async def created(harness: StoreHarness, tasks: Sequence[Task]) -> list[Task]:
    results = await harness.store.create_tasks(tasks)
    await harness.make_searchable()
    return [result for result in results if isinstance(result, Task)]


async def test_a_queue_at_its_concurrency_limit_hands_out_nothing_more_and_keeps_the_rest_queued(
    harness: StoreHarness,
) -> None:
    tasks = await created(harness, [keyed(f"t{n}") for n in range(10)])
    flow = limits(queues={"q": FlowLimit(max_concurrency=3)})

    first = await claim(harness.store, 10, flow=flow)
    await harness.make_searchable()
    second = await claim(harness.store, 10, flow=flow)

    assert len(first.claimed) == 3
    assert second.claimed == []
    assert {(entry.queue, entry.scope, entry.limit) for entry in second.throttled} == {
        ("q", ScopeKind.QUEUE, LimitKind.CONCURRENCY)
    }
    assert await states(harness.store, tasks) == {TaskState.CLAIMED: 3, TaskState.QUEUED: 7}

    await finish(harness.store, first.claimed[0])
    await harness.make_searchable()
    assert len((await claim(harness.store, 10, flow=flow)).claimed) == 1


async def test_a_slot_whose_task_finished_without_a_release_is_reclaimed_by_the_next_claim(
    harness: StoreHarness,
) -> None:
    await created(harness, [keyed(f"t{n}", key="tenant:a") for n in range(3)])
    flow = limits(keys={"tenant:*": FlowLimit(max_concurrency=1)})
    (held,) = (await claim(harness.store, 5, flow=flow)).claimed

    await finish(harness.store, held, release=False)  # e.g. the reaper or a batch finish
    await harness.make_searchable()

    assert len((await claim(harness.store, 5, flow=flow)).claimed) == 1


async def test_a_key_limit_spans_queues_and_other_keys_keep_flowing(harness: StoreHarness) -> None:
    await created(
        harness,
        [
            *(keyed(f"a{n}", queue=f"q{n % 2}", key="tenant:a", priority=10) for n in range(12)),
            *(keyed(f"b{n}", queue="q0", key="tenant:b") for n in range(3)),
        ],
    )
    flow = limits(keys={"tenant:*": FlowLimit(max_concurrency=2)})

    outcome = await claim(harness.store, 10, flow=flow, queues=())

    assert Counter(task.concurrency_key for task in outcome.claimed) == {"tenant:a": 2, "tenant:b": 2}


async def test_a_saturated_queue_does_not_hide_the_tasks_of_other_queues(harness: StoreHarness) -> None:
    await created(
        harness,
        [
            *(keyed(f"busy{n}", queue="busy", priority=10) for n in range(40)),
            keyed("f1", queue="free"),
            keyed("f2", queue="free"),
        ],
    )
    flow = limits(queues={"busy": FlowLimit(max_concurrency=1)})

    outcome = await claim(harness.store, 3, flow=flow, queues=())

    assert Counter(task.queue for task in outcome.claimed) == {"busy": 1, "free": 2}


@pytest.mark.parametrize("scope", ["queue", "key"])
async def test_many_servers_claiming_at_once_never_hold_more_than_the_limit(
    harness: StoreHarness, scope: str
) -> None:
    limit, servers, total = 3, 6, 24
    rng = random.Random(7)
    tasks = [
        keyed(f"t{n:02}", queue=f"q{n % 2}" if scope == "key" else "q", key="tenant:a", priority=n % 3)
        for n in range(total)
    ]
    await created(harness, tasks)
    flow = (
        limits(queues={"q": FlowLimit(max_concurrency=limit)})
        if scope == "queue"
        else limits(keys={"tenant:*": FlowLimit(max_concurrency=limit)})
    )
    stores: list[Store] = [harness.store, *(harness.sibling() for _ in range(servers - 1))]
    held: dict[tuple[str, str], Task] = {}
    peak = 0

    async def claim_as(index: int) -> None:
        nonlocal peak
        outcome = await claim(stores[index], 2, flow=flow, queues=(), worker=f"server{index}")
        # A task enters the ledger after the store made it CLAIMED and leaves it before the store
        # makes it DONE, so the ledger never counts more than the store holds.
        held.update({(task.queue, task.id): task for task in outcome.claimed})
        peak = max(peak, len(held))
        assert len(held) <= limit, sorted(held)

    async def finish_some() -> None:
        for key in rng.sample(sorted(held), k=min(len(held), rng.randint(1, limit))):
            task = held.pop(key)
            await finish(stores[rng.randrange(servers)], task, release=rng.random() < 0.5)

    done = 0
    for _ in range(60):
        await asyncio.gather(*(claim_as(index) for index in range(servers)), finish_some())
        await harness.make_searchable()
        assert (await states(harness.store, tasks))[TaskState.CLAIMED] <= limit
        done = (await states(harness.store, tasks))[TaskState.DONE]
        if done + len(held) == total:
            break
    assert peak == limit
    assert done + len(held) == total


async def test_the_rate_limit_caps_claims_per_interval_across_servers(harness: StoreHarness) -> None:
    await created(harness, [keyed(f"t{n:02}", rate_key="openai:gpt") for n in range(30)])
    flow = limits(keys={"openai:*": FlowLimit(rate=RateLimit(limit=6, per=timedelta(minutes=1), burst=6))})
    siblings = [harness.store, harness.sibling(), harness.sibling()]

    burst = await asyncio.gather(
        *(claim(store, 5, flow=flow, worker=f"s{n}") for n, store in enumerate(siblings))
    )
    await harness.make_searchable()
    same_instant = await claim(harness.store, 5, flow=flow)
    ten_seconds_on = await claim(harness.store, 5, flow=flow, at=NOW + timedelta(seconds=10))
    await harness.make_searchable()
    a_minute_on = await claim(harness.store, 10, flow=flow, at=NOW + timedelta(seconds=70))

    assert sum(len(outcome.claimed) for outcome in burst) == 6
    assert same_instant.claimed == []
    assert same_instant.throttled[0].limit is LimitKind.RATE
    assert len(ten_seconds_on.claimed) == 1
    assert len(a_minute_on.claimed) == 6


async def test_claims_rotate_across_keys_with_priority_ordering_within_a_key(harness: StoreHarness) -> None:
    await created(
        harness,
        [
            *(keyed(f"a{n:02}", key="tenant:a", priority=20 - n) for n in range(20)),
            keyed("b1", key="tenant:b", minute=5),
            keyed("b2", key="tenant:b", minute=6),
        ],
    )

    one_by_one = []
    for _ in range(4):
        (task,) = (await claim(harness.store, 1)).claimed
        one_by_one.append(task.id)
        await harness.make_searchable()
    batch = await claim(harness.store, 4)

    assert one_by_one == ["a00", "b1", "a01", "b2"]
    assert [task.id for task in batch.claimed] == ["a02", "a03", "a04", "a05"]


async def test_with_more_keys_than_the_fairness_window_every_key_still_gets_its_turn(
    harness: StoreHarness,
) -> None:
    await created(
        harness,
        [keyed(f"k{key}-{n}", key=f"k{key}", minute=2 * key + n) for key in range(5) for n in range(2)],
    )
    narrow = FlowOptions(fairness_window=2)

    served: list[str] = []
    for _ in range(5):
        (task,) = (await claim(harness.store, 1, flow=narrow)).claimed
        served.append(task.concurrency_key or "")
        await harness.make_searchable()

    assert sorted(served) == ["k0", "k1", "k2", "k3", "k4"]


async def test_a_claim_hands_a_task_only_to_a_worker_declaring_everything_it_requires(
    harness: StoreHarness,
) -> None:
    await created(
        harness,
        [
            keyed("plain"),
            keyed("gpu", requires=("gpu",)),
            keyed("gpu-py", requires=("gpu", "py3.12")),
        ],
    )

    def ids(outcome: ClaimOutcome) -> list[str]:
        return [task.id for task in outcome.claimed]

    assert ids(await claim(harness.store, 5, capabilities=frozenset({"py3.12"}))) == ["plain"]
    await harness.make_searchable()
    assert ids(await claim(harness.store, 5)) == []
    assert ids(await claim(harness.store, 5, capabilities=frozenset({"gpu"}))) == ["gpu"]
    await harness.make_searchable()
    assert ids(await claim(harness.store, 5, capabilities=frozenset({"gpu", "py3.12", "x"}))) == ["gpu-py"]


async def test_tasks_no_recently_seen_worker_can_take_are_counted_per_queue(harness: StoreHarness) -> None:
    await created(
        harness,
        [
            keyed("gpu", requires=("gpu",)),
            keyed("tpu", requires=("tpu",)),
            keyed("gpu-py", queue="other", requires=("gpu", "py3.12")),
            keyed("plain"),
        ],
    )
    await harness.store.record_capabilities(frozenset({"tpu", "x"}), at=NOW - timedelta(hours=1))
    await harness.store.record_capabilities(frozenset({"gpu"}), at=NOW)
    await harness.make_searchable()

    assert await harness.store.unclaimable_counts(seen_since=NOW - timedelta(minutes=5)) == {
        "q": 1,
        "other": 1,
    }
    assert await harness.store.unclaimable_counts(seen_since=NOW - timedelta(hours=2)) == {"other": 1}


async def test_the_hand_off_of_just_created_tasks_obeys_the_limits(harness: StoreHarness) -> None:
    results = await harness.store.create_tasks([keyed(f"t{n}", key="tenant:a", minute=n) for n in range(3)])
    offered = tuple(result for result in results if isinstance(result, Task))
    flow = limits(keys={"tenant:a": FlowLimit(max_concurrency=1)})

    outcome = await claim(harness.store, 3, flow=flow, offered=offered)
    again = await claim(harness.store, 3, flow=flow, offered=offered)

    assert [task.id for task in outcome.claimed] == ["t0"]
    assert again.claimed == []


async def test_a_limit_of_zero_holds_every_task_back(harness: StoreHarness) -> None:
    tasks = await created(harness, [keyed("t1", key="k")])
    outcome = await claim(harness.store, 1, flow=limits(keys={"k": FlowLimit(max_concurrency=0)}))
    assert outcome.claimed == []
    assert await states(harness.store, tasks) == {TaskState.QUEUED: 1}


async def test_new_fields_round_trip(harness: StoreHarness) -> None:
    (task,) = await created(
        harness, [keyed("t1", key="tenant:a", rate_key="openai:x", requires=("gpu", "py3.12"))]
    )
    stored = await harness.store.get_task("q", "t1")
    assert (stored.concurrency_key, stored.rate_limit_key, stored.required_capabilities) == (
        "tenant:a",
        "openai:x",
        ("gpu", "py3.12"),
    )
    assert stored == task


async def test_through_the_services_capabilities_limits_and_the_hand_off_work_together(
    harness: StoreHarness,
) -> None:
    settings = Settings.model_validate(
        {"tasks": {"flow_control": {"keys": {"tenant:*": {"max_concurrency": 1}}}}}
    )
    live = build_components(settings, store=harness.store)
    gpu = frozenset({"gpu"})

    def order(worker: str, *, capabilities: frozenset[str] | None, block: float = 0) -> ClaimOrder:
        return ClaimOrder(
            worker_id=worker,
            queues=("q",),
            amount=1 if block else 2,
            block_for=timedelta(seconds=block),
            capabilities=capabilities,
        )

    waiting = asyncio.create_task(live.claims.claim(order("w1", capabilities=gpu, block=5)))
    await asyncio.wait_for(live.arrivals.someone_waited.wait(), timeout=5)
    for task_id in ("t1", "t2"):
        await live.tasks.create_task(
            NewTask(
                queue="q", kind="k", id=task_id, concurrency_key="tenant:a", required_capabilities=("gpu",)
            )
        )
    handed = await asyncio.wait_for(waiting, timeout=5)
    await harness.make_searchable()
    without_gpu = await live.claims.claim(order("w2", capabilities=None))
    at_the_limit = await live.claims.claim(order("w3", capabilities=gpu))
    (first,) = handed
    await live.tasks.mark_done("q", first.id, Claimant(worker_id="w1", lease_token=first.lease_token), None)
    await harness.make_searchable()
    after_done = await live.claims.claim(order("w3", capabilities=gpu))

    assert without_gpu == at_the_limit == []
    assert [task.id for task in after_done] == ["t2" if first.id == "t1" else "t1"]


async def test_setup_adds_the_flow_columns_to_a_database_created_before_them(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as old:
        # The tasks table as it was before flow control, holding a task.
        old.execute(
            "CREATE TABLE tasks (queue TEXT NOT NULL, id TEXT NOT NULL, state TEXT NOT NULL, "
            "priority INTEGER NOT NULL, run_at_us INTEGER NOT NULL, enqueued_at_us INTEGER NOT NULL, "
            "remaining_attempts INTEGER NOT NULL, times_out_at_us INTEGER, modified_at_us INTEGER NOT NULL, "
            "recurring_task_id TEXT, version INTEGER NOT NULL, document TEXT NOT NULL, "
            "PRIMARY KEY (queue, id)) WITHOUT ROWID"
        )
        task = keyed("old")
        old.execute(
            "INSERT INTO tasks VALUES (?, ?, 'queued', 0, ?, ?, 3, NULL, ?, NULL, 1, ?)",
            (
                task.queue,
                task.id,
                micros(task.run_at),
                micros(task.run_at),
                micros(task.run_at),
                dumps(task_to_document(task)),
            ),
        )
    store = SqliteTaskStore(path)
    try:
        await store.setup()
        await store.verify_setup()
        await store.create_tasks([keyed("new", key="tenant:a", requires=("gpu",))])

        plain = await claim(store, 5)
        gpu = await claim(store, 5, capabilities=frozenset({"gpu"}))
    finally:
        await store.close()

    assert [task.id for task in plain.claimed] == ["old"]
    assert [task.id for task in gpu.claimed] == ["new"]
