"""Attempt history, enqueue-and-wait across servers and result expiry, on every backend."""

import asyncio
from datetime import timedelta

from app.clock import FrozenClock
from app.components import build_components
from app.config import Settings
from app.domain.history import TaskEvent, TaskEventKind
from app.domain.states import TaskState
from app.domain.task import Claimant
from app.services.claims import ClaimOrder
from app.services.history import attempts_from
from app.services.new_task import NewTask
from app.services.waiting import ResultStatus
from tests.contract.conftest import T0, StoreHarness

SAMPLED = {
    "limits": {"report_history_interval": "30s", "wait_recheck_interval": "20ms"},
    "defaults": {"result_ttl": "1h"},
}


def _event(kind: TaskEventKind, seconds: int, attempt: int = 1) -> TaskEvent:
    return TaskEvent(
        queue="q", task_id="t", attempt=attempt, kind=kind, at=T0 + timedelta(seconds=seconds), worker_id="w"
    )


async def test_events_append_idempotently_and_list_oldest_first(harness: StoreHarness) -> None:
    claimed, done = _event(TaskEventKind.CLAIMED, 1), _event(TaskEventKind.DONE, 5)
    other = TaskEvent(queue="q", task_id="other", attempt=1, kind=TaskEventKind.CLAIMED, at=T0)

    await harness.store.append_events([done, claimed, other])
    await harness.sibling().append_events([done])

    assert await harness.store.list_events("q", "t", limit=10) == [claimed, done]
    assert await harness.store.list_events("q", "nothing", limit=10) == []


async def test_every_attempt_is_recorded_with_sampled_reports(harness: StoreHarness) -> None:
    clock = FrozenClock(T0)
    components = build_components(Settings(tasks=SAMPLED), clock=clock, store=harness.store)
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="t", retry_times=1))
    order = ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(0))
    await harness.make_searchable()
    (first,) = await components.claims.claim(order)
    owner = Claimant(worker_id="w", lease_token=first.lease_token)
    for second in range(10, 80, 10):  # reports at 10..70 s; sampled every 30 s: recorded at 10, 40 and 70
        clock.advance(timedelta(seconds=10))
        await components.tasks.report_in("q", "t", owner, {"at": second})
    await components.tasks.mark_failed("q", "t", owner, {"error": "boom"})
    clock.advance(timedelta(hours=1))
    await harness.make_searchable()
    (second_claim,) = await components.claims.claim(order)
    await components.tasks.mark_done(
        "q", "t", Claimant(worker_id="w", lease_token=second_claim.lease_token), {"ok": 1}
    )

    attempts = attempts_from(await components.history.events("q", "t"))

    assert [attempt.outcome for attempt in attempts] == ["failed", "done"]
    assert attempts[0].error == {"error": "boom"}
    reported = [event.data for event in attempts[0].events if event.kind is TaskEventKind.REPORTED]
    assert reported == [{"at": 10}, {"at": 40}, {"at": 70}]
    assert [event.kind for event in attempts[0].events] == [
        TaskEventKind.CLAIMED,
        TaskEventKind.REPORTED,
        TaskEventKind.REPORTED,
        TaskEventKind.REPORTED,
        TaskEventKind.FAILED,
    ]
    assert {event.lease_token for event in attempts[1].events} == {second_claim.lease_token}


async def test_a_wait_on_one_server_is_answered_by_a_worker_on_another(harness: StoreHarness) -> None:
    server_a = build_components(Settings(tasks=SAMPLED), store=harness.store)
    server_b = build_components(Settings(tasks=SAMPLED), store=harness.sibling())
    created = await server_a.tasks.create_task(NewTask(queue="q", kind="k"))
    waiting = asyncio.create_task(server_a.waits.until_finished([created], wait=timedelta(seconds=10)))

    await harness.make_searchable()
    (claimed,) = await server_b.claims.claim(
        ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(0))
    )
    await server_b.tasks.mark_done(
        "q", created.id, Claimant(worker_id="w", lease_token=claimed.lease_token), {"r": 1}
    )
    (finished,) = await asyncio.wait_for(waiting, timeout=10)

    assert finished.state is TaskState.DONE


async def test_a_wait_that_runs_out_returns_the_unfinished_task(harness: StoreHarness) -> None:
    components = build_components(Settings(tasks=SAMPLED), store=harness.store)
    created = await components.tasks.create_task(NewTask(queue="q", kind="k"))

    (latest,) = await components.waits.until_finished([created], wait=timedelta(milliseconds=50))

    assert latest.state is TaskState.QUEUED


async def test_results_are_pending_then_ready_then_expired(harness: StoreHarness) -> None:
    clock = FrozenClock(T0)
    components = build_components(Settings(tasks=SAMPLED), clock=clock, store=harness.store)
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="t"))
    assert (await components.waits.result("q", "t")).status is ResultStatus.PENDING

    await harness.make_searchable()
    (claimed,) = await components.claims.claim(
        ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(0))
    )
    await components.tasks.mark_done(
        "q", "t", Claimant(worker_id="w", lease_token=claimed.lease_token), {"answer": 42}
    )
    ready = await components.waits.result("q", "t")
    clock.advance(timedelta(hours=1))
    expired = await components.waits.result("q", "t")

    assert ready.status is ResultStatus.READY
    assert ready.result is not None
    assert ready.result.success == {"answer": 42}
    assert expired.status is ResultStatus.EXPIRED


async def test_history_survives_archiving(harness: StoreHarness) -> None:
    clock = FrozenClock(T0)
    components = build_components(Settings(), clock=clock, store=harness.store)
    await components.tasks.create_task(NewTask(queue="q", kind="k", id="t"))
    await harness.make_searchable()
    (claimed,) = await components.claims.claim(
        ClaimOrder(worker_id="w", queues=("q",), amount=1, block_for=timedelta(0))
    )
    await components.tasks.mark_done("q", "t", Claimant(worker_id="w", lease_token=claimed.lease_token), None)
    await harness.make_searchable()
    await harness.store.archive_finished(
        finished_before=T0 + timedelta(hours=1), at=T0 + timedelta(hours=1), limit=10
    )

    kinds = [event.kind for event in await components.history.events("q", "t")]

    assert kinds == [TaskEventKind.CLAIMED, TaskEventKind.DONE]


async def test_old_events_are_pruned(harness: StoreHarness) -> None:
    old, recent = _event(TaskEventKind.CLAIMED, 1), _event(TaskEventKind.DONE, 3600)
    await harness.store.append_events([old, recent])

    pruned = await harness.store.prune_events(before=T0 + timedelta(minutes=30), limit=10)
    remaining = await harness.store.list_events("q", "t", limit=10)

    # Where an ILM policy expires history by index age the store prunes nothing itself.
    assert (pruned, remaining) in [(1, [recent]), (0, [old, recent])]
    if harness.backend == "sqlite":
        assert pruned == 1
