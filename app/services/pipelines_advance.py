"""Advancing running pipelines, one page per pass, for the leader's ``PipelineService`` loop.

A pass lists a page of running pipelines (by id, continuing after the last page; the scan wraps around
so every pipeline is visited however many there are), reads the frontier tasks of all of them in one
multi-get, decides each (``pipelines_plan.decide``), creates the tasks a decision asks for (create-only,
so a task that already exists, made by this pass before a crash or by an overlapping leader, is a
conflict and never a second task), and only then records the decision with a compare-and-swap. A lost
compare-and-swap means someone else advanced the pipeline: the next pass re-reads it.
"""

from dataclasses import dataclass, field, replace
from typing import Protocol

from app.clock import Clock
from app.domain.errors import InvalidInput, PipelineNotFound, TaskAlreadyExists, TasquesError, VersionConflict
from app.domain.pipelines import Pipeline
from app.domain.task import Task
from app.services.new_task import NewTask
from app.services.pipelines_plan import PipelineState, TaskKey, decide, keys_to_read
from app.services.task_service import TaskService
from app.storage.port import CreateResult, PipelineStore, TaskStore


class PipelineAdvanceStore(TaskStore, PipelineStore, Protocol):
    """Advancing reads member tasks and pipeline records, and writes both."""


@dataclass
class AdvanceReport:
    pipelines: int = 0
    created: int = 0
    duplicates: int = 0
    finished: int = 0
    conflicts: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def work_done(self) -> int:
        return self.created + self.finished + len(self.errors)


class PipelineAdvancer:
    def __init__(
        self, store: PipelineAdvanceStore, *, tasks: TaskService, clock: Clock, page_size: int
    ) -> None:
        self._store = store
        self._tasks = tasks
        self._clock = clock
        self._page_size = page_size
        self._after: str | None = None

    async def advance_page(self) -> AdvanceReport:
        page = await self._store.list_pipelines(
            state=PipelineState.RUNNING.value, after_id=self._after, limit=self._page_size
        )
        self._after = page[-1].id if len(page) == self._page_size else None
        report = AdvanceReport(pipelines=len(page))
        keys = list(dict.fromkeys(key for pipeline in page for key in keys_to_read(pipeline)))
        found = await self._store.get_tasks(keys) if keys else []
        tasks: dict[TaskKey, Task] = {
            key: task for key, task in zip(keys, found, strict=True) if isinstance(task, Task)
        }
        for pipeline in page:
            try:
                await self._advance(pipeline, tasks, report)
            except TasquesError as error:
                report.errors.append(f"{pipeline.id}: {error.message}")
        return report

    async def _advance(self, pipeline: Pipeline, tasks: dict[TaskKey, Task], report: AdvanceReport) -> None:
        decision = decide(pipeline, tasks, at=self._clock.now_utc())
        if decision.updated is None:
            return
        updated = decision.updated
        try:
            results = await self._create(decision.create)
        except InvalidInput as error:
            # The stored definition no longer makes a valid task (limits or defaults changed since the
            # submission): retrying every pass would never succeed, so the pipeline fails, saying why.
            updated = replace(
                pipeline, state=PipelineState.FAILED.value, error=error.message, updated_at=updated.updated_at
            )
            results = []
        for result in results:
            if isinstance(result, TaskAlreadyExists):
                report.duplicates += 1
            else:
                report.created += 1
        try:
            await self._store.update_pipeline(pipeline, updated)
        except (VersionConflict, PipelineNotFound):
            report.conflicts += 1
            return
        report.finished += updated.state != PipelineState.RUNNING

    async def _create(self, new_tasks: list[NewTask]) -> list[CreateResult]:
        """In batches the task service accepts (the limit may have shrunk since the submission)."""
        size = self._tasks.policies.limits.max_batch_size
        results: list[CreateResult] = []
        for start in range(0, len(new_tasks), size):
            results += await self._tasks.create_tasks(new_tasks[start : start + size])
        return results
