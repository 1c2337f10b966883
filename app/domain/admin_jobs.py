"""Admin jobs: query-driven bulk actions the leader works through in batches (``app.maintenance.admin_jobs``)."""

from dataclasses import dataclass
from datetime import datetime

from app.domain.queries import TaskQuery
from app.domain.task import Version


@dataclass(frozen=True, slots=True, kw_only=True)
class AdminJob:
    """A query-driven bulk action, worked through in batches by the leader and resumable from ``cursor``."""

    id: str
    action: str
    query: TaskQuery
    parameters: dict[str, object]
    status: str  # pending | running | done | failed
    created_at: datetime
    updated_at: datetime
    total: int
    processed: int = 0
    succeeded: int = 0
    skipped: int = 0
    """Tasks that changed meanwhile or no longer allowed the action."""
    cursor: str | None = None
    error: str | None = None
    version: Version | None = None
