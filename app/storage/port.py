"""The task store port. Every backend passes the conformance suite in tests/contract/.

Compare-and-swap: every task read from a store carries ``metadata.version``. ``update_task(previous,
updated)`` writes ``updated`` only if the stored version still equals ``previous.metadata.version`` and
raises ``VersionConflict`` otherwise (``TaskNotFound`` if the task is gone). Creation is create-only:
an existing (queue, id) is reported as ``TaskAlreadyExists`` and left untouched.

Claiming is a backend operation because the cheapest correct way differs (one IMMEDIATE transaction on
SQLite; a candidate search and one ``_bulk`` of conditional writes on Elasticsearch), but the transition
itself stays in the domain: the service passes ``claim`` (Task -> claimed Task) in.

Any failure to reach the store raises ``StoreUnavailable``; a write that raised it may or may not have
been applied, and every write is idempotent under CAS, so callers can retry by re-reading.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.domain.errors import TaskAlreadyExists, TaskNotFound, VersionConflict
from app.domain.task import Task


@dataclass(frozen=True, slots=True)
class ClaimRequest:
    """``queues`` empty means every queue. ``at`` is both the claim time and the ``run_at`` cut-off."""

    queues: tuple[str, ...]
    amount: int
    at: datetime


@dataclass(frozen=True, slots=True)
class ClaimOutcome:
    claimed: list[Task]
    conflicts: int


CreateResult = Task | TaskAlreadyExists
UpdateResult = Task | VersionConflict | TaskNotFound


class TaskStore(Protocol):
    async def setup(self) -> None:
        """Create schema / templates / indices. Idempotent."""

    async def verify_setup(self) -> None:
        """Raise ``StoreNotSetUp`` naming what is missing."""

    async def ping(self) -> None:
        """Raise ``StoreUnavailable`` when the store cannot be reached."""

    async def close(self) -> None: ...

    async def create_tasks(self, tasks: Sequence[Task]) -> list[CreateResult]:
        """Create-only, in order; results carry versions."""

    async def get_task(self, queue: str, task_id: str) -> Task:
        """Realtime read by id (sees writes before any refresh)."""

    async def update_task(self, previous: Task, updated: Task) -> Task: ...

    async def update_tasks(self, changes: Sequence[tuple[Task, Task]]) -> list[UpdateResult]:
        """Many CAS writes in one round trip; each item succeeds or fails on its own."""

    async def claim_tasks(self, request: ClaimRequest, claim: Callable[[Task], Task]) -> ClaimOutcome:
        """Claim up to ``amount`` claimable tasks, best first: priority desc, run_at asc, enqueued asc."""
