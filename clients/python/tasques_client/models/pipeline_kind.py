from enum import StrEnum

class PipelineKind(StrEnum):
    CHAIN = "chain"
    CHORD = "chord"
    GROUP = "group"

    def __str__(self) -> str:
        return str(self.value)
