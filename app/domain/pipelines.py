"""Pipelines: chains, groups and chords of tasks, planned by ``app.services.pipelines_plan`` and advanced
by the leader (``app.services.pipelines_advance``)."""

from dataclasses import dataclass
from datetime import datetime

from app.domain.recurring import TaskDefinition
from app.domain.task import Version


@dataclass(frozen=True, slots=True, kw_only=True)
class Pipeline:
    """A chain, group or chord of tasks, advanced by the leader (``app.services.pipelines_advance``).

    The planned tasks are ``steps`` (then ``callback`` for a chord), with deterministic ids
    ``<id>.<index>`` and ``<id>.callback``. ``enqueued`` counts the planned tasks known to have been
    created, in plan order; the next one may or may not exist yet (a crash between its create-only
    insert and the compare-and-swap that counts it), which is why it is always created again, never
    assumed.
    """

    id: str
    kind: str  # chain | group | chord
    steps: tuple[TaskDefinition, ...]
    callback: TaskDefinition | None = None
    on_member_dead: str = "fail"  # chord only: fail | skip
    state: str = "running"  # running | done | failed
    enqueued: int = 0
    created_at: datetime
    updated_at: datetime
    error: str | None = None
    version: Version | None = None
