"""Submitting and reading pipelines: a chain (each step enqueued once the previous one is DONE, its
result in the next step's ``context.pipeline.previous_result``), a group (parallel tasks) or a chord
(a group, then a callback receiving every member's result in ``context.pipeline.results``).

Submission stores the pipeline record first (create-only on its id), then creates its first tasks with
their deterministic ids. A crash in between leaves a record whose tasks the leader's advancer creates
(``app.services.pipelines_advance``); a crash after both only makes the advancer's creates conflict.
Step definitions are resolved against the task defaults at submission, so every later step is created
the same way by whichever server leads then.
"""

import contextlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from app.clock import Clock
from app.domain.errors import InvalidInput, StoreUnavailable
from app.domain.ids import ensure_valid_task_id
from app.domain.pipelines import Pipeline
from app.domain.recurring import TaskDefinition
from app.domain.task import Task
from app.services.pipelines_plan import (
    CALLBACK,
    Member,
    MemberDeadPolicy,
    PipelineKind,
    decide,
    members,
)
from app.services.policies import TaskPolicies
from app.services.recurring_service import NewTaskDefinition
from app.services.task_service import TaskService
from app.storage.port import PipelineStore, TaskStore

MAX_PIPELINE_ID_BYTES = 200
PENDING = "pending"
"""A member's state before its task is created."""


@dataclass(frozen=True, kw_only=True)
class NewPipeline:
    kind: PipelineKind
    steps: Sequence[NewTaskDefinition]
    id: str | None = None
    callback: NewTaskDefinition | None = None
    on_member_dead: MemberDeadPolicy = MemberDeadPolicy.FAIL


@dataclass(frozen=True)
class MemberView:
    member: Member
    task: Task | None

    @property
    def state(self) -> str:
        return self.task.state.value if self.task is not None else PENDING


@dataclass(frozen=True)
class PipelineView:
    pipeline: Pipeline
    members: list[MemberView]


class PipelineStoreForService(TaskStore, PipelineStore, Protocol):
    """Submitting needs the pipeline records; reading also the member tasks."""


class PipelineService:
    def __init__(
        self, store: PipelineStoreForService, *, tasks: TaskService, policies: TaskPolicies, clock: Clock
    ) -> None:
        self._store = store
        self._tasks = tasks
        self._policies = policies
        self._clock = clock

    async def submit(self, new: NewPipeline) -> PipelineView:
        pipeline = self._validated(new)
        stored = await self._store.create_pipeline(pipeline)
        first = decide(stored, {}, at=stored.created_at).create
        # Once the record is stored the leader's advancer creates these tasks if this fails.
        with contextlib.suppress(StoreUnavailable):
            await self._tasks.create_tasks(first)
        return await self.get(stored.id)

    async def get(self, pipeline_id: str) -> PipelineView:
        pipeline = await self._store.get_pipeline(pipeline_id)
        planned = members(pipeline)
        found = await self._store.get_tasks([member.key for member in planned])
        return PipelineView(
            pipeline,
            [
                MemberView(member, task if isinstance(task, Task) else None)
                for member, task in zip(planned, found, strict=True)
            ],
        )

    def _validated(self, new: NewPipeline) -> Pipeline:
        pipeline_id = new.id if new.id is not None else uuid.uuid4().hex
        _ensure_valid_pipeline_id(pipeline_id)
        limit = self._policies.limits.max_batch_size
        if not 1 <= len(new.steps) <= limit:
            raise InvalidInput(f"A pipeline has between 1 and {limit} steps or members")
        if (new.kind is PipelineKind.CHORD) != (new.callback is not None):
            raise InvalidInput("A chord, and only a chord, has a callback")
        steps = tuple(
            self._resolved(f"{new.kind.value}[{index}]", step) for index, step in enumerate(new.steps)
        )
        at = self._clock.now_utc()
        return Pipeline(
            id=pipeline_id,
            kind=new.kind.value,
            steps=steps,
            callback=self._resolved(CALLBACK, new.callback) if new.callback else None,
            on_member_dead=new.on_member_dead.value,
            created_at=at,
            updated_at=at,
        )

    def _resolved(self, where: str, definition: NewTaskDefinition) -> TaskDefinition:
        try:
            return definition.resolve(self._policies)
        except InvalidInput as error:
            message = error.message.removeprefix("task_definition.")
            raise InvalidInput(f"{where}: {message}", **error.details) from error


def _ensure_valid_pipeline_id(pipeline_id: str) -> None:
    if len(pipeline_id.encode()) > MAX_PIPELINE_ID_BYTES:
        raise InvalidInput(f"A pipeline id must be at most {MAX_PIPELINE_ID_BYTES} bytes")
    try:
        ensure_valid_task_id(pipeline_id)
    except InvalidInput as error:
        raise InvalidInput(error.message.replace("Task id", "Pipeline id"), id=pipeline_id) from error
