"""What a pipeline consists of and what one advancing pass decides for it; pure, no I/O.

Every planned task has a deterministic id: ``<pipeline id>.<index>`` for chain steps and group or chord
members, ``<pipeline id>.callback`` for a chord's callback. ``Pipeline.enqueued`` counts the planned
tasks known to exist, in plan order, so the decision needs only the tasks at the frontier:

* chain: the last enqueued step. DONE: enqueue the next one with the step's result in its context (or
  finish the pipeline after the last step); DEAD, CANCELLED or gone: the pipeline fails.
* group: every member. Once all are finished the pipeline is done if every one is DONE, else failed.
* chord: every member, then the callback. Once all members are finished the callback is enqueued with
  their results in order; a member that did not end DONE (dead, cancelled or gone) fails the pipeline
  under ``on_member_dead: fail`` (no callback ever runs) or is skipped under ``skip`` (its result is
  null and its index is listed in ``failed_members``). The callback's outcome is the pipeline's.

A decision lists tasks to create and the pipeline as it should be stored afterwards. The caller creates
the tasks (create-only: one that exists already is a conflict, not a second task) before it records the
decision with a compare-and-swap, so a crash in between only repeats harmless creates.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Literal

from app.domain.pipelines import Pipeline
from app.domain.recurring import TaskDefinition
from app.domain.states import FINISHED_STATES, TaskState
from app.domain.task import JsonObject, Task
from app.services.new_task import NewTask

TaskKey = tuple[str, str]
CONTEXT_KEY = "pipeline"
"""Tasks a pipeline creates carry ``context.pipeline`` (id, index, and results where they apply)."""
CALLBACK = "callback"
MemberRole = Literal["step", "member", "callback"]


class PipelineKind(StrEnum):
    CHAIN = "chain"
    GROUP = "group"
    CHORD = "chord"


class PipelineState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class MemberDeadPolicy(StrEnum):
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True)
class Member:
    index: int
    role: MemberRole
    definition: TaskDefinition
    task_id: str

    @property
    def key(self) -> TaskKey:
        return (self.definition.queue, self.task_id)


@dataclass(frozen=True)
class Decision:
    create: list[NewTask] = field(default_factory=list)
    updated: Pipeline | None = None
    """None: nothing to record this pass."""


def members(pipeline: Pipeline) -> list[Member]:
    role: MemberRole = "step" if pipeline.kind == PipelineKind.CHAIN else "member"
    planned = [
        Member(index, role, step, f"{pipeline.id}.{index}") for index, step in enumerate(pipeline.steps)
    ]
    if pipeline.callback is not None:
        planned.append(Member(len(planned), "callback", pipeline.callback, f"{pipeline.id}.{CALLBACK}"))
    return planned


def keys_to_read(pipeline: Pipeline) -> list[TaskKey]:
    """The tasks ``decide`` looks at for this pipeline."""
    planned, enqueued = members(pipeline), pipeline.enqueued
    if pipeline.state != PipelineState.RUNNING or enqueued == 0:
        return []
    if pipeline.kind == PipelineKind.CHAIN:
        return [planned[enqueued - 1].key]
    if pipeline.kind == PipelineKind.CHORD and enqueued > len(pipeline.steps):
        return [planned[-1].key]
    return [member.key for member in planned[: len(pipeline.steps)]]


def decide(pipeline: Pipeline, tasks: Mapping[TaskKey, Task], *, at: datetime) -> Decision:
    """``tasks`` holds the tasks of ``keys_to_read`` that exist; a key left out is a task that is gone."""
    if pipeline.state != PipelineState.RUNNING:
        return Decision()
    planned = members(pipeline)
    if pipeline.enqueued == 0:
        first = planned[:1] if pipeline.kind == PipelineKind.CHAIN else planned[: len(pipeline.steps)]
        return _enqueue(pipeline, [_new_task(pipeline, member, {}) for member in first], at=at)
    if pipeline.kind == PipelineKind.CHAIN:
        return _chain(pipeline, planned, tasks, at=at)
    if pipeline.enqueued > len(pipeline.steps):
        callback = tasks.get(planned[-1].key)
        return _after_last(pipeline, callback, "the callback", at=at)
    outcomes = [tasks.get(member.key) for member in planned[: len(pipeline.steps)]]
    if not all(task is None or task.state in FINISHED_STATES for task in outcomes):
        return Decision()
    unsuccessful = [index for index, task in enumerate(outcomes) if not _done(task)]
    if pipeline.kind == PipelineKind.GROUP:
        if unsuccessful:
            return _finish(pipeline, PipelineState.FAILED, _failure("members", unsuccessful), at=at)
        return _finish(pipeline, PipelineState.DONE, None, at=at)
    if unsuccessful and pipeline.on_member_dead == MemberDeadPolicy.FAIL:
        return _finish(pipeline, PipelineState.FAILED, _failure("members", unsuccessful), at=at)
    results = [result_of(task) if _done(task) else None for task in outcomes]
    callback_context = {"results": results, "failed_members": unsuccessful}
    return _enqueue(pipeline, [_new_task(pipeline, planned[-1], callback_context)], at=at)


def result_of(task: Task | None) -> JsonObject | None:
    if task is None or task.last_claimed is None or task.last_claimed.result is None:
        return None
    return task.last_claimed.result.success


def _chain(
    pipeline: Pipeline, planned: Sequence[Member], tasks: Mapping[TaskKey, Task], *, at: datetime
) -> Decision:
    current = planned[pipeline.enqueued - 1]
    task = tasks.get(current.key)
    if pipeline.enqueued == len(planned) or not _done(task):
        return _after_last(pipeline, task, f"step {current.index}", at=at)
    following = planned[pipeline.enqueued]
    new_task = _new_task(pipeline, following, {"previous_result": result_of(task)})
    return _enqueue(pipeline, [new_task], at=at)


def _after_last(pipeline: Pipeline, task: Task | None, what: str, *, at: datetime) -> Decision:
    """The pipeline follows ``task``: done when it is DONE, failed when it ended otherwise or is gone."""
    if _done(task):
        return _finish(pipeline, PipelineState.DONE, None, at=at)
    if task is None:
        return _finish(pipeline, PipelineState.FAILED, f"{what} task is gone", at=at)
    if task.state in FINISHED_STATES:
        return _finish(pipeline, PipelineState.FAILED, f"{what} ended {task.state.value}", at=at)
    return Decision()


def _done(task: Task | None) -> bool:
    return task is not None and task.state is TaskState.DONE


def _failure(what: str, indices: Sequence[int]) -> str:
    return f"{what} {', '.join(map(str, indices))} did not end done"


def _enqueue(pipeline: Pipeline, tasks: list[NewTask], *, at: datetime) -> Decision:
    return Decision(
        create=tasks, updated=replace(pipeline, enqueued=pipeline.enqueued + len(tasks), updated_at=at)
    )


def _finish(pipeline: Pipeline, state: PipelineState, error: str | None, *, at: datetime) -> Decision:
    return Decision(updated=replace(pipeline, state=state.value, error=error, updated_at=at))


def _new_task(pipeline: Pipeline, member: Member, extra: JsonObject) -> NewTask:
    definition = member.definition
    context = {**(definition.context or {}), CONTEXT_KEY: {"id": pipeline.id, "index": member.index, **extra}}
    return NewTask(
        queue=definition.queue,
        kind=definition.kind,
        id=member.task_id,
        retry_times=definition.retry_times,
        priority=definition.priority,
        processing_timeout=definition.processing_timeout,
        args=definition.args,
        context=context,
        backoff=definition.backoff,
    )
