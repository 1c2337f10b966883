"""Admin job runner: works through pending and running bulk actions, one batch per job per pass.

A job pages through its stored query with the store's keyset cursor, always ordered by
metadata.created_at newest first, ties by queue then id (``AdminService`` forces that order whatever
the query says, and the stored query keeps every filter but no order). That key is the one thing the
job's own writes never change: retry and requeue move run_at, every action moves metadata.modified_at
(the ``finished`` sort) and reprioritize the priority, so a cursor over any of those could skip tasks
or visit them twice once the job had changed the tasks behind it. On the created key, a task the job
changed either still matches but sorts before the cursor or matches no more (a retried dead task is
queued: out of states=[dead] and of any finished range); either way the next page starts where the last
one ended, whatever filters (states, time ranges, error_text, text) the query uses. Tasks that start to
match while the job runs are picked up only if they sort after the cursor, as on any keyset page.
"""

from datetime import timedelta

from pydantic import BaseModel, ConfigDict, Field

from app.domain.durations import GoDuration
from app.domain.errors import VersionConflict
from app.maintenance.periodic import PassResult
from app.services.admin_service import AdminService
from app.storage.port import AdminJobStore


class AdminJobSettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    interval: GoDuration = timedelta(milliseconds=500)
    batch_size: int = Field(default=500, ge=1, le=10_000)


class AdminJobRunner:
    name = "admin-jobs"

    def __init__(self, store: AdminJobStore, admin: AdminService, *, settings: AdminJobSettings) -> None:
        self._store = store
        self._admin = admin
        self._settings = settings
        self.interval = settings.interval

    async def run_once(self) -> PassResult:
        processed = 0
        for job in await self._store.list_admin_jobs(statuses=("pending", "running"), limit=10):
            try:
                after = await self._admin.run_job_batch(job, batch_size=self._settings.batch_size)
            except VersionConflict:
                continue  # another pass (an overlapping leader) advanced it; the next pass re-reads
            processed += after.processed - job.processed
        return PassResult(work_done=processed, summary=f"admin jobs: processed {processed} tasks")
