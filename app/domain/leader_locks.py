"""The record a leader lock is kept in; the elector (``app.maintenance.elector``) decides expiry."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from app.domain.task import Version


@dataclass(frozen=True, slots=True)
class LockRecord:
    name: str
    holder: str
    renewed_at: datetime
    lease: timedelta
    version: Version
