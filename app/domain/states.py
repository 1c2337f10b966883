"""Task states, lower-case on the wire as Tasques has them.

```mermaid
stateDiagram-v2
    [*] --> queued: enqueue
    queued --> claimed: claim
    failed --> claimed: claim (run_at reached)
    claimed --> queued: unclaim (attempt refunded)
    claimed --> done: done
    claimed --> failed: failed / timed out, attempts left
    claimed --> dead: failed / timed out, no attempts left
    queued --> cancelled: cancel
    failed --> cancelled: cancel
    claimed --> claimed: cancel (cancel requested; the worker sees it on its next report)
    claimed --> cancelled: cancelled by the worker, or failed / timed out / unclaimed after a cancel request
    dead --> queued: retry (fresh attempts)
    cancelled --> queued: retry (fresh attempts)
```
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
