from enum import StrEnum

class AdminAction(StrEnum):
    CANCEL = "cancel"
    DELETE = "delete"
    REPRIORITIZE = "reprioritize"
    REQUEUE = "requeue"
    RETRY = "retry"

    def __str__(self) -> str:
        return str(self.value)
