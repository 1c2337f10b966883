"""Task states, lower-case on the wire as Tasques has them.

The moves between them are the ``Task`` methods in ``app.domain.task``; docs/task-states.md draws them as
a mermaid state diagram, and ``tests/unit/test_task_state_diagram.py`` derives the edges from those
methods and fails when the drawing and the code disagree.
"""

from enum import StrEnum


class TaskState(StrEnum):
    QUEUED = "queued"
    CLAIMED = "claimed"
    FAILED = "failed"
    DONE = "done"
    DEAD = "dead"
    CANCELLED = "cancelled"


CLAIMABLE_STATES = frozenset({TaskState.QUEUED, TaskState.FAILED})
FINISHED_STATES = frozenset({TaskState.DONE, TaskState.DEAD, TaskState.CANCELLED})
# Admin retry: the dead-letter set (dead), cancelled tasks, and failed ones still waiting out a backoff.
RETRYABLE_STATES = frozenset({TaskState.DEAD, TaskState.CANCELLED, TaskState.FAILED})
