from enum import StrEnum

class MemberDeadPolicy(StrEnum):
    FAIL = "fail"
    SKIP = "skip"

    def __str__(self) -> str:
        return str(self.value)
