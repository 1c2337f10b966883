from enum import StrEnum

class WirePipelineMemberRole(StrEnum):
    CALLBACK = "callback"
    MEMBER = "member"
    STEP = "step"

    def __str__(self) -> str:
        return str(self.value)
