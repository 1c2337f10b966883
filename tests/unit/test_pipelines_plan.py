"""Pipeline decisions, pure: what a pass creates and records for chains, groups and chords."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from app.domain.pipelines import Pipeline
from app.domain.recurring import TaskDefinition
from app.domain.states import TaskState
from app.domain.task import LastClaimed, Metadata, Result, Task
from app.services.pipelines_plan import (
    Decision,
    MemberDeadPolicy,
    PipelineKind,
    PipelineState,
    TaskKey,
    decide,
    keys_to_read,
    members,
)

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def definition(queue: str = "q", kind: str = "k", context: dict[str, object] | None = None) -> TaskDefinition:
    return TaskDefinition(
        queue=queue, kind=kind, retry_times=0, processing_timeout=timedelta(minutes=1), context=context
    )


def pipeline(kind: PipelineKind, size: int = 3, **fields: object) -> Pipeline:
    base = Pipeline(
        id="p",
        kind=kind.value,
        steps=tuple(definition(kind=f"k{index}") for index in range(size)),
        callback=definition("cb", "callback") if kind is PipelineKind.CHORD else None,
        created_at=T0,
        updated_at=T0,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def task(
    task_id: str, state: TaskState, *, queue: str = "q", result: dict[str, object] | None = None
) -> Task:
    claimed = None
    if state is not TaskState.QUEUED:
        claimed = LastClaimed(
            worker_id="w",
            claimed_at=T0,
            times_out_at=T0 + timedelta(minutes=1),
            lease_token="l",
            result=Result(at=T0, success=result) if state is TaskState.DONE else None,
        )
    return Task(
        id=task_id,
        queue=queue,
        retry_times=0,
        attempted=1,
        kind="k",
        state=state,
        priority=0,
        processing_timeout=timedelta(minutes=1),
        run_at=T0,
        last_enqueued_at=T0,
        last_claimed=claimed,
        metadata=Metadata(created_at=T0, modified_at=T0),
    )


def by_key(*tasks: Task) -> dict[TaskKey, Task]:
    return {(item.queue, item.id): item for item in tasks}


def test_member_ids_are_deterministic() -> None:
    chord = pipeline(PipelineKind.CHORD, 2)
    assert [(member.role, member.task_id) for member in members(chord)] == [
        ("member", "p.0"),
        ("member", "p.1"),
        ("callback", "p.callback"),
    ]


def test_a_new_chain_enqueues_its_first_step_and_counts_it() -> None:
    decision = decide(pipeline(PipelineKind.CHAIN), {}, at=T0)
    assert [new.id for new in decision.create] == ["p.0"]
    assert decision.updated is not None
    assert decision.updated.enqueued == 1
    assert decision.create[0].context == {"pipeline": {"id": "p", "index": 0}}


def test_a_chain_step_gets_the_previous_result_and_keeps_its_own_context() -> None:
    chain = replace(pipeline(PipelineKind.CHAIN), enqueued=1)
    chain = replace(chain, steps=(chain.steps[0], definition(context={"mine": 1}), chain.steps[2]))
    assert keys_to_read(chain) == [("q", "p.0")]

    decision = decide(chain, by_key(task("p.0", TaskState.DONE, result={"n": 1})), at=T0)

    (step,) = decision.create
    assert step.id == "p.1"
    assert step.context == {"mine": 1, "pipeline": {"id": "p", "index": 1, "previous_result": {"n": 1}}}
    assert decision.updated is not None
    assert decision.updated.enqueued == 2


@pytest.mark.parametrize("state", [TaskState.QUEUED, TaskState.CLAIMED, TaskState.FAILED])
def test_a_chain_waits_while_its_step_is_unfinished(state: TaskState) -> None:
    chain = replace(pipeline(PipelineKind.CHAIN), enqueued=1)
    assert decide(chain, by_key(task("p.0", state)), at=T0) == Decision()


def test_a_chain_fails_when_a_step_dies_or_vanishes_and_finishes_after_its_last() -> None:
    chain = replace(pipeline(PipelineKind.CHAIN), enqueued=2)
    dead = decide(chain, by_key(task("p.1", TaskState.DEAD)), at=T0).updated
    gone = decide(chain, {}, at=T0).updated
    done = decide(replace(chain, enqueued=3), by_key(task("p.2", TaskState.DONE)), at=T0)

    assert dead is not None
    assert (dead.state, dead.error) == ("failed", "step 1 ended dead")
    assert gone is not None
    assert (gone.state, gone.error) == ("failed", "step 1 task is gone")
    assert not done.create
    assert done.updated is not None
    assert done.updated.state == PipelineState.DONE


def test_a_group_finishes_once_every_member_has() -> None:
    group = replace(pipeline(PipelineKind.GROUP), enqueued=3)
    running = by_key(task("p.0", TaskState.DONE), task("p.1", TaskState.DEAD), task("p.2", TaskState.CLAIMED))
    finished = {**running, **by_key(task("p.2", TaskState.DONE))}

    assert decide(group, running, at=T0) == Decision()
    failed = decide(group, finished, at=T0).updated
    assert failed is not None
    assert (failed.state, failed.error) == ("failed", "members 1 did not end done")


def test_a_chord_callback_gets_every_result_in_order() -> None:
    chord = replace(pipeline(PipelineKind.CHORD), enqueued=3)
    done = by_key(*(task(f"p.{index}", TaskState.DONE, result={"n": index}) for index in range(3)))

    decision = decide(chord, done, at=T0)

    (callback,) = decision.create
    assert (callback.queue, callback.id) == ("cb", "p.callback")
    assert callback.context == {
        "pipeline": {"id": "p", "index": 3, "results": [{"n": 0}, {"n": 1}, {"n": 2}], "failed_members": []}
    }
    assert decision.updated is not None
    assert decision.updated.enqueued == 4
    assert keys_to_read(decision.updated) == [("cb", "p.callback")]


def test_a_dead_chord_member_fails_the_pipeline_or_is_skipped_per_policy() -> None:
    tasks = by_key(
        task("p.0", TaskState.DONE, result={"n": 0}),
        task("p.1", TaskState.DEAD),
        task("p.2", TaskState.CANCELLED),
    )
    failing = replace(pipeline(PipelineKind.CHORD), enqueued=3)
    skipping = replace(failing, on_member_dead=MemberDeadPolicy.SKIP.value)

    failed = decide(failing, tasks, at=T0)
    skipped = decide(skipping, tasks, at=T0)

    assert not failed.create
    assert failed.updated is not None
    assert failed.updated.state == "failed"
    (callback,) = skipped.create
    assert callback.context is not None
    assert callback.context["pipeline"]["results"] == [{"n": 0}, None, None]
    assert callback.context["pipeline"]["failed_members"] == [1, 2]


def test_the_callback_decides_the_chord() -> None:
    chord = replace(pipeline(PipelineKind.CHORD), enqueued=4)
    done = decide(chord, by_key(task("p.callback", TaskState.DONE, queue="cb")), at=T0).updated
    dead = decide(chord, by_key(task("p.callback", TaskState.DEAD, queue="cb")), at=T0).updated

    assert done is not None
    assert done.state == "done"
    assert dead is not None
    assert (dead.state, dead.error) == ("failed", "the callback ended dead")


def test_a_finished_pipeline_is_left_alone() -> None:
    finished = replace(pipeline(PipelineKind.CHAIN), state="done", enqueued=3)
    assert keys_to_read(finished) == []
    assert decide(finished, {}, at=T0) == Decision()
