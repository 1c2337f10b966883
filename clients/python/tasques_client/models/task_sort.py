from enum import StrEnum

class TaskSort(StrEnum):
    CREATED = "created"
    FINISHED = "finished"
    PRIORITY = "priority"
    RUN_AT = "run_at"

    def __str__(self) -> str:
        return str(self.value)
