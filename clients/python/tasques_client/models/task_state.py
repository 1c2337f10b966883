from enum import StrEnum

class TaskState(StrEnum):
    CANCELLED = "cancelled"
    CLAIMED = "claimed"
    DEAD = "dead"
    DONE = "done"
    FAILED = "failed"
    QUEUED = "queued"

    def __str__(self) -> str:
        return str(self.value)
