"""What the services report about their work, for metrics. Services depend on this protocol only;
``app.observability`` implements it with Prometheus."""

from collections.abc import Sequence
from typing import Protocol

from app.domain.history import TaskEvent
from app.domain.task import Task
from app.storage.port import Throttled


class TaskActivity(Protocol):
    def enqueued(self, tasks: Sequence[Task]) -> None: ...

    def claimed(self, tasks: Sequence[Task], *, request_seconds: float) -> None: ...

    def recorded(self, events: Sequence[TaskEvent]) -> None: ...

    def conflicted(self, count: int) -> None: ...

    def throttled(self, throttled: Sequence[Throttled]) -> None:
        """Claimable tasks a claim pass left queued because a queue or key was at its limit."""


class NoActivity:
    def enqueued(self, tasks: Sequence[Task]) -> None:
        return None

    def claimed(self, tasks: Sequence[Task], *, request_seconds: float) -> None:
        return None

    def recorded(self, events: Sequence[TaskEvent]) -> None:
        return None

    def conflicted(self, count: int) -> None:
        return None

    def throttled(self, throttled: Sequence[Throttled]) -> None:
        return None
