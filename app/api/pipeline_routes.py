"""Pipelines (extension, tag ``pipelines``): chains, groups and chords of tasks, advanced by the leader."""

from datetime import datetime

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from app.api.auth import require_queues
from app.api.dependencies import Pipelines
from app.api.errors import error_responses
from app.api.recurring_models import TaskDefinitionBody
from app.api.rendering import render_model
from app.api.strict_json import StrictJsonRoute
from app.services.pipelines import NewPipeline, PipelineView
from app.services.pipelines_plan import MemberDeadPolicy, MemberRole, PipelineKind, PipelineState


class _Body(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ChordBody(_Body):
    group: list[TaskDefinitionBody] = Field(min_length=1, description="Tasks run in parallel")
    callback: TaskDefinitionBody = Field(
        description="Enqueued once every member finished; gets their results in context.pipeline.results"
    )
    on_member_dead: MemberDeadPolicy = Field(
        default=MemberDeadPolicy.FAIL,
        description="fail: a member that ends dead or cancelled fails the pipeline and the callback never "
        "runs; skip: the callback runs anyway, with null for that member's result and its index listed in "
        "context.pipeline.failed_members",
    )


class NewPipelineBody(_Body):
    id: StrictStr | None = Field(
        default=None, description="Optional; the same id again gives 409. Task ids are <id>.<index>"
    )
    chain: list[TaskDefinitionBody] | None = Field(
        default=None,
        description="Steps run one after another; each gets the previous step's result in "
        "context.pipeline.previous_result",
    )
    group: list[TaskDefinitionBody] | None = Field(default=None, description="Tasks run in parallel")
    chord: ChordBody | None = None

    @model_validator(mode="after")
    def _exactly_one_shape(self) -> "NewPipelineBody":
        if sum(shape is not None for shape in (self.chain, self.group, self.chord)) != 1:
            raise ValueError("give exactly one of chain, group or chord")
        return self

    def definitions(self) -> list[TaskDefinitionBody]:
        if self.chord is not None:
            return [*self.chord.group, self.chord.callback]
        return list(self.chain or self.group or [])

    def to_new_pipeline(self) -> NewPipeline:
        if self.chord is not None:
            return NewPipeline(
                id=self.id,
                kind=PipelineKind.CHORD,
                steps=[step.to_definition() for step in self.chord.group],
                callback=self.chord.callback.to_definition(),
                on_member_dead=self.chord.on_member_dead,
            )
        kind = PipelineKind.CHAIN if self.chain is not None else PipelineKind.GROUP
        return NewPipeline(id=self.id, kind=kind, steps=[step.to_definition() for step in self.definitions()])


class WirePipelineMember(BaseModel):
    index: int
    role: MemberRole
    queue: str
    id: str = Field(description="The task id: <pipeline id>.<index>, or <pipeline id>.callback")
    kind: str
    state: str = Field(description="The task's state, or pending while it is not created yet")


class WirePipeline(BaseModel):
    id: str
    kind: PipelineKind
    state: PipelineState
    on_member_dead: MemberDeadPolicy | None = Field(default=None, description="Chords only")
    error: str | None = Field(default=None, description="Why the pipeline failed")
    created_at: datetime
    updated_at: datetime
    members: list[WirePipelineMember]


def wire_pipeline(view: PipelineView) -> WirePipeline:
    pipeline = view.pipeline
    return WirePipeline(
        id=pipeline.id,
        kind=PipelineKind(pipeline.kind),
        state=PipelineState(pipeline.state),
        on_member_dead=MemberDeadPolicy(pipeline.on_member_dead)
        if pipeline.kind == PipelineKind.CHORD
        else None,
        error=pipeline.error,
        created_at=pipeline.created_at,
        updated_at=pipeline.updated_at,
        members=[
            WirePipelineMember(
                index=member.member.index,
                role=member.member.role,
                queue=member.member.definition.queue,
                id=member.member.task_id,
                kind=member.member.definition.kind,
                state=member.state,
            )
            for member in view.members
        ],
    )


router = APIRouter(route_class=StrictJsonRoute, tags=["pipelines"])


@router.post(
    "/pipelines",
    operation_id="create-pipeline",
    summary="Enqueue a chain, group or chord of tasks (extension)",
    description="Give exactly one of chain, group or chord. Tasks get deterministic ids (<id>.<index>, "
    "<id>.callback) and carry context.pipeline; the leader enqueues each follow-up task once, even "
    "across a crash or failover.",
    status_code=201,
    response_model=WirePipeline,
    responses=error_responses(400, 409),
)
async def create(body: NewPipelineBody, request: Request, pipelines: Pipelines) -> Response:
    require_queues(request, [definition.queue for definition in body.definitions()])
    view = await pipelines.submit(body.to_new_pipeline())
    return render_model(wire_pipeline(view), status=201)


@router.get(
    "/pipelines/{id}",
    operation_id="get-pipeline",
    summary="A pipeline with the state of each of its tasks (extension)",
    response_model=WirePipeline,
    responses=error_responses(404),
)
async def get(id: str, request: Request, pipelines: Pipelines) -> Response:
    view = await pipelines.get(id)
    require_queues(request, {member.member.definition.queue for member in view.members})
    return render_model(wire_pipeline(view))
