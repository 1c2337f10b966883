"""Finishing many claimed tasks in one call, on every backend: per-item results, fencing honoured."""

from datetime import timedelta

from app.components import build_components
from app.config import Settings
from app.domain.errors import LeaseSuperseded, NotClaimed, NotOwnedByWorker, TaskNotFound
from app.domain.history import TaskEventKind
from app.domain.states import TaskState
from app.domain.task import Task
from app.services.batch_finish import FinishItem, Outcome
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from tests.contract.conftest import StoreHarness


async def test_each_item_succeeds_or_fails_on_its_own(harness: StoreHarness) -> None:
    components = build_components(Settings(), store=harness.store)
    for index in range(5):
        await components.tasks.create_task(NewTask(queue="q", kind="k", id=f"t{index}", retry_times=1))
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="unclaimed"))
    await harness.make_searchable()
    claimed = await components.claims.claim(
        ClaimOrder(worker_id="w", queues=("q",), amount=5, block_for=timedelta(0))
    )
    lease = {task.id: task.lease_token for task in claimed}

    results = await components.finisher.finish(
        "w",
        [
            FinishItem(queue="q", id="t0", outcome=Outcome.DONE, data={"r": 0}, lease_token=lease["t0"]),
            FinishItem(queue="q", id="t1", outcome=Outcome.FAILED, data={"e": 1}, lease_token=lease["t1"]),
            FinishItem(queue="q", id="t2", outcome=Outcome.CANCELLED, lease_token=lease["t2"]),
            FinishItem(queue="q", id="t3", outcome=Outcome.DONE, lease_token="stale"),
            FinishItem(queue="q", id="t4", outcome=Outcome.DONE),
            FinishItem(queue="q", id="unclaimed", outcome=Outcome.DONE),
            FinishItem(queue="q", id="ghost", outcome=Outcome.DONE),
        ],
    )
    someone_else = await components.finisher.finish(
        "intruder", [FinishItem(queue="q", id="t4", outcome=Outcome.DONE)]
    )

    states = [result.state if isinstance(result, Task) else type(result) for result in results]
    assert states == [
        TaskState.DONE,
        TaskState.FAILED,
        TaskState.CANCELLED,
        LeaseSuperseded,
        TaskState.DONE,
        NotClaimed,
        TaskNotFound,
    ]
    assert isinstance(someone_else[0], NotClaimed)
    assert (await harness.store.get_task("q", "t3")).state is TaskState.CLAIMED
    assert (await harness.store.get_task("q", "t0")).last_claimed.result.success == {"r": 0}  # type: ignore[union-attr]
    kinds = [event.kind for event in await components.history.events("q", "t1")]
    assert kinds == [TaskEventKind.CLAIMED, TaskEventKind.FAILED]


async def test_ownership_is_checked_per_item(harness: StoreHarness) -> None:
    components = build_components(Settings(), store=harness.store)
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="t"))
    await harness.make_searchable()
    await components.claims.claim(
        ClaimOrder(worker_id="owner", queues=("q",), amount=1, block_for=timedelta(0))
    )

    (result,) = await components.finisher.finish(
        "intruder", [FinishItem(queue="q", id="t", outcome=Outcome.DONE)]
    )

    assert isinstance(result, NotOwnedByWorker)
    assert (await harness.store.get_task("q", "t")).state is TaskState.CLAIMED
