"""Push workers: HTTP endpoints the leader delivers tasks to (``app.services.push_dispatch``)."""

from dataclasses import dataclass, field
from datetime import datetime

from app.domain.task import Version


@dataclass(frozen=True, slots=True, kw_only=True)
class PushWorker:
    """An HTTP worker the leader pushes tasks to, with its delivery (back-off) state.

    ``secret`` signs every delivery, so it is stored as given; it is never returned by the API nor
    logged (``repr`` leaves it out).
    """

    id: str
    url: str
    queues: tuple[str, ...]
    capabilities: tuple[str, ...] = ()
    max_in_flight: int
    secret: str = field(repr=False)
    created_at: datetime
    consecutive_failures: int = 0
    retry_at: datetime | None = None
    """No delivery before this instant (set after a failed delivery, cleared by a successful one)."""
    last_error: str | None = None
    last_failure_at: datetime | None = None
    version: Version | None = None
