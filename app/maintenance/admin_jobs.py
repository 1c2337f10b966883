"""Admin job runner: works through pending and running bulk actions, one batch per job per pass."""

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
