from enum import StrEnum

class Outcome(StrEnum):
    CANCELLED = "cancelled"
    DONE = "done"
    FAILED = "failed"

    def __str__(self) -> str:
        return str(self.value)
