"""The port's per-kind record methods (``create_recurring``, ``get_pipeline``, ...), written once over
a backend's generic versioned record store (``sqlite.records``, ``elasticsearch.records``).

A backend's mixin for a kind provides the store (a property) and the kind's listing, whose filters and
order are backend-specific; everything else forwards here.
"""

from typing import Protocol, TypeVar

from app.domain.admin_jobs import AdminJob
from app.domain.pipelines import Pipeline
from app.domain.push_workers import PushWorker
from app.domain.recurring import RecurringTask

R = TypeVar("R")


class RecordStore(Protocol[R]):
    async def create(self, record: R) -> R: ...

    async def get(self, record_id: str) -> R: ...

    async def compare_and_swap(self, previous: R, updated: R) -> R: ...

    async def delete(self, previous: R) -> None: ...


class RecurringRecordMethods:
    @property
    def _recurring(self) -> RecordStore[RecurringTask]:
        raise NotImplementedError

    async def create_recurring(self, recurring: RecurringTask) -> RecurringTask:
        return await self._recurring.create(recurring)

    async def get_recurring(self, recurring_id: str) -> RecurringTask:
        return await self._recurring.get(recurring_id)

    async def update_recurring(self, previous: RecurringTask, updated: RecurringTask) -> RecurringTask:
        return await self._recurring.compare_and_swap(previous, updated)

    async def delete_recurring(self, previous: RecurringTask) -> None:
        await self._recurring.delete(previous)


class PipelineRecordMethods:
    @property
    def _pipelines(self) -> RecordStore[Pipeline]:
        raise NotImplementedError

    async def create_pipeline(self, pipeline: Pipeline) -> Pipeline:
        return await self._pipelines.create(pipeline)

    async def get_pipeline(self, pipeline_id: str) -> Pipeline:
        return await self._pipelines.get(pipeline_id)

    async def update_pipeline(self, previous: Pipeline, updated: Pipeline) -> Pipeline:
        return await self._pipelines.compare_and_swap(previous, updated)


class PushWorkerRecordMethods:
    @property
    def _push_workers(self) -> RecordStore[PushWorker]:
        raise NotImplementedError

    async def create_push_worker(self, worker: PushWorker) -> PushWorker:
        return await self._push_workers.create(worker)

    async def get_push_worker(self, worker_id: str) -> PushWorker:
        return await self._push_workers.get(worker_id)

    async def update_push_worker(self, previous: PushWorker, updated: PushWorker) -> PushWorker:
        return await self._push_workers.compare_and_swap(previous, updated)

    async def delete_push_worker(self, previous: PushWorker) -> None:
        await self._push_workers.delete(previous)


class AdminJobRecordMethods:
    @property
    def _admin_jobs(self) -> RecordStore[AdminJob]:
        raise NotImplementedError

    async def create_admin_job(self, job: AdminJob) -> AdminJob:
        return await self._admin_jobs.create(job)

    async def get_admin_job(self, job_id: str) -> AdminJob:
        return await self._admin_jobs.get(job_id)

    async def update_admin_job(self, previous: AdminJob, updated: AdminJob) -> AdminJob:
        return await self._admin_jobs.compare_and_swap(previous, updated)
