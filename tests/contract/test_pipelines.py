"""Pipelines on every backend: the store's CAS records, and the leader's advancer through ``run_once``
with a frozen clock, crashes simulated by leaving a pass half done."""

from dataclasses import replace
from datetime import timedelta

import pytest

from app.clock import FrozenClock
from app.components import Components, build_components
from app.config import Settings
from app.domain.errors import PipelineAlreadyExists, PipelineNotFound, TaskNotFound, VersionConflict
from app.domain.pipelines import Pipeline
from app.domain.recurring import TaskDefinition
from app.domain.task import Claimant, JsonObject, Task
from app.maintenance.periodic import PassResult
from app.maintenance.pipelines import PipelineRunner, PipelineSettings
from app.services.claims import ClaimOrder
from app.services.new_task import NewTask
from app.services.pipelines import NewPipeline
from app.services.pipelines_advance import PipelineAdvancer
from app.services.pipelines_plan import MemberDeadPolicy, PipelineKind
from app.services.recurring_service import NewTaskDefinition
from app.storage.port import Store
from tests.contract.conftest import T0, StoreHarness


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(T0)


@pytest.fixture
def components(harness: StoreHarness, clock: FrozenClock) -> Components:
    return build_components(Settings(), clock=clock, store=harness.store)


def runner(
    components: Components, clock: FrozenClock, store: Store | None = None, page_size: int = 100
) -> PipelineRunner:
    advancer = PipelineAdvancer(
        store or components.store, tasks=components.tasks, clock=clock, page_size=page_size
    )
    return PipelineRunner(advancer, settings=PipelineSettings())


async def advance(harness: StoreHarness, service: PipelineRunner) -> PassResult:
    await harness.make_searchable()  # the scan is near-real-time on Elasticsearch
    return await service.run_once()


def step(queue: str = "q", kind: str = "k", retry_times: int = 0) -> NewTaskDefinition:
    return NewTaskDefinition(queue=queue, kind=kind, retry_times=retry_times)


async def finish(
    harness: StoreHarness,
    components: Components,
    queue: str,
    task_id: str,
    *,
    data: JsonObject | None = None,
    dead: bool = False,
) -> Task:
    """Claim the task as worker ``w`` and end it done (or dead: every member here has no retries)."""
    await harness.make_searchable()
    claimed = await components.claims.claim(
        ClaimOrder(worker_id="w", queues=(queue,), amount=100, block_for=timedelta(0))
    )
    mine = next(task for task in claimed if task.id == task_id)
    for other in claimed:
        if other.id != task_id:
            await components.tasks.unclaim(
                other.queue, other.id, Claimant(worker_id="w", lease_token=other.lease_token)
            )
    claimant = Claimant(worker_id="w", lease_token=mine.lease_token)
    if dead:
        return await components.tasks.mark_failed(queue, task_id, claimant, {"error": "boom"})
    return await components.tasks.mark_done(queue, task_id, claimant, data)


def stored_pipeline(pipeline_id: str, *, kind: str = "chain", enqueued: int = 0, size: int = 2) -> Pipeline:
    definition = TaskDefinition(queue="q", kind="k", retry_times=0, processing_timeout=timedelta(minutes=1))
    return Pipeline(
        id=pipeline_id,
        kind=kind,
        steps=(definition,) * size,
        enqueued=enqueued,
        created_at=T0,
        updated_at=T0,
    )


async def test_records_are_created_once_read_and_compare_and_swapped(harness: StoreHarness) -> None:
    created = await harness.store.create_pipeline(stored_pipeline("p1"))
    with pytest.raises(PipelineAlreadyExists):
        await harness.store.create_pipeline(stored_pipeline("p1"))

    read = await harness.sibling().get_pipeline("p1")
    assert read == created
    assert read.steps[0].processing_timeout == timedelta(minutes=1)
    moved = await harness.store.update_pipeline(
        read, replace(read, enqueued=1, updated_at=T0 + timedelta(seconds=1))
    )
    assert moved.version != read.version
    with pytest.raises(VersionConflict):
        await harness.store.update_pipeline(read, replace(read, state="failed"))
    assert (await harness.store.get_pipeline("p1")).enqueued == 1
    with pytest.raises(PipelineNotFound):
        await harness.store.get_pipeline("nope")
    with pytest.raises(PipelineNotFound):
        await harness.store.update_pipeline(replace(moved, id="nope"), moved)


async def test_running_pipelines_are_listed_by_id_in_pages(harness: StoreHarness) -> None:
    for pipeline_id in ("c", "a", "b", "d"):
        await harness.store.create_pipeline(stored_pipeline(pipeline_id))
    d = await harness.store.get_pipeline("d")
    await harness.store.update_pipeline(d, replace(d, state="done"))
    await harness.make_searchable()

    first = await harness.store.list_pipelines(state="running", after_id=None, limit=2)
    rest = await harness.store.list_pipelines(state="running", after_id=first[-1].id, limit=2)
    everything = await harness.store.list_pipelines(state=None, after_id=None, limit=10)

    assert [pipeline.id for pipeline in first + rest] == ["a", "b", "c"]
    assert [pipeline.id for pipeline in everything] == ["a", "b", "c", "d"]


async def test_a_chain_runs_step_after_step_passing_results_on(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    service = runner(components, clock)
    view = await components.pipelines.submit(
        NewPipeline(
            id="chain-1", kind=PipelineKind.CHAIN, steps=[step(kind="a"), step("q2", "b"), step(kind="c")]
        )
    )
    assert [member.state for member in view.members] == ["queued", "pending", "pending"]

    assert (await advance(harness, service)).work_done == 0  # counts step 0; creates nothing
    await finish(harness, components, "q", "chain-1.0", data={"n": 1})
    await advance(harness, service)

    second = await harness.store.get_task("q2", "chain-1.1")
    assert second.kind == "b"
    assert second.context == {"pipeline": {"id": "chain-1", "index": 1, "previous_result": {"n": 1}}}
    await finish(harness, components, "q2", "chain-1.1", data={"n": 2})
    await advance(harness, service)
    await finish(harness, components, "q", "chain-1.2", data={"n": 3})
    await advance(harness, service)

    final = await components.pipelines.get("chain-1")
    assert (final.pipeline.state, final.pipeline.enqueued) == ("done", 3)
    assert [member.state for member in final.members] == ["done"] * 3


async def test_a_dead_step_fails_the_chain_and_nothing_follows(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    service = runner(components, clock)
    await components.pipelines.submit(
        NewPipeline(id="chain-2", kind=PipelineKind.CHAIN, steps=[step(), step()])
    )
    await advance(harness, service)
    await finish(harness, components, "q", "chain-2.0", dead=True)
    await advance(harness, service)

    failed = await components.pipelines.get("chain-2")
    assert (failed.pipeline.state, failed.pipeline.error) == ("failed", "step 0 ended dead")
    assert [member.state for member in failed.members] == ["dead", "pending"]
    with pytest.raises(TaskNotFound):
        await harness.store.get_task("q", "chain-2.1")


async def test_a_group_is_done_when_every_member_is(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    service = runner(components, clock)
    view = await components.pipelines.submit(
        NewPipeline(id="g", kind=PipelineKind.GROUP, steps=[step(), step()])
    )
    assert [member.state for member in view.members] == ["queued", "queued"]
    await finish(harness, components, "q", "g.0")
    await advance(harness, service)
    assert (await components.pipelines.get("g")).pipeline.state == "running"
    await finish(harness, components, "q", "g.1")
    await advance(harness, service)
    assert (await components.pipelines.get("g")).pipeline.state == "done"


async def test_two_leaders_at_once_enqueue_a_chord_callback_once(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    await components.pipelines.submit(
        NewPipeline(id="chord", kind=PipelineKind.CHORD, steps=[step(), step()], callback=step("cb", "sum"))
    )
    old_leader, new_leader = runner(components, clock), runner(components, clock, harness.sibling())
    await advance(harness, old_leader)
    for index in range(2):
        await finish(harness, components, "q", f"chord.{index}", data={"n": index})

    await harness.make_searchable()
    first = await old_leader.run_once()
    second = await new_leader.run_once()  # read the same (now stale) record

    assert first.work_done == 1
    assert second.work_done == 0  # its create conflicted and its compare-and-swap lost
    callback = await harness.store.get_task("cb", "chord.callback")
    assert callback.context is not None
    assert callback.context["pipeline"]["results"] == [{"n": 0}, {"n": 1}]
    await finish(harness, components, "cb", "chord.callback", data={"sum": 1})
    await advance(harness, new_leader)
    done = await components.pipelines.get("chord")
    assert done.pipeline.state == "done"
    assert [member.member.role for member in done.members] == ["member", "member", "callback"]


@pytest.mark.parametrize(
    ("policy", "state"), [(MemberDeadPolicy.FAIL, "failed"), (MemberDeadPolicy.SKIP, "running")]
)
async def test_a_dead_chord_member_fails_or_is_skipped(
    harness: StoreHarness, components: Components, clock: FrozenClock, policy: MemberDeadPolicy, state: str
) -> None:
    service = runner(components, clock)
    await components.pipelines.submit(
        NewPipeline(
            id="chord",
            kind=PipelineKind.CHORD,
            steps=[step(), step()],
            callback=step("cb"),
            on_member_dead=policy,
        )
    )
    await finish(harness, components, "q", "chord.0", data={"n": 0})
    await finish(harness, components, "q", "chord.1", dead=True)
    await advance(harness, service)
    await advance(harness, service)

    view = await components.pipelines.get("chord")
    assert view.pipeline.state == state
    if policy is MemberDeadPolicy.FAIL:
        assert view.members[-1].state == "pending"
    else:
        callback = await harness.store.get_task("cb", "chord.callback")
        assert callback.context is not None
        assert callback.context["pipeline"]["results"] == [{"n": 0}, None]
        assert callback.context["pipeline"]["failed_members"] == [1]


async def test_a_pass_that_died_before_recording_repeats_its_creates_harmlessly(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    # A submission that crashed after storing the record: no task exists yet.
    await harness.store.create_pipeline(stored_pipeline("crashed", kind="group"))
    # A pass that crashed after creating step 1 of this chain but before counting it.
    await harness.store.create_pipeline(stored_pipeline("half", enqueued=1))
    await components.tasks.create_tasks([NewTask(queue="q", kind="k", id="half.0", retry_times=0)])
    await finish(harness, components, "q", "half.0", data={"n": 0})
    await components.tasks.create_tasks([NewTask(queue="q", kind="k", id="half.1", retry_times=0)])

    result = await advance(harness, runner(components, clock))

    assert "created 2 tasks (1 existed already)" in result.summary
    assert [member.state for member in (await components.pipelines.get("crashed")).members] == ["queued"] * 2
    half = await harness.store.get_pipeline("half")
    assert (half.state, half.enqueued) == ("running", 2)


async def test_the_scan_pages_and_wraps_around(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    for pipeline_id in ("a", "b", "c"):
        await harness.store.create_pipeline(stored_pipeline(pipeline_id, kind="group", size=1))
    service = runner(components, clock, page_size=2)

    first, second = await advance(harness, service), await advance(harness, service)

    assert "2 running pipelines looked at" in first.summary
    assert "1 running pipelines looked at" in second.summary
    for pipeline_id in ("a", "b", "c"):
        assert (await harness.store.get_pipeline(pipeline_id)).enqueued == 1


async def test_a_step_that_can_no_longer_be_created_fails_its_pipeline(
    harness: StoreHarness, components: Components, clock: FrozenClock
) -> None:
    broken = stored_pipeline("broken", kind="group", size=1)
    unusable = broken.steps[0].model_copy(update={"queue": "Not A Queue"})
    await harness.store.create_pipeline(replace(broken, steps=(unusable,)))

    await advance(harness, runner(components, clock))

    failed = await harness.store.get_pipeline("broken")
    assert failed.state == "failed"
    assert failed.error is not None
    assert "Queue" in failed.error
