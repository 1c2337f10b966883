"""Retry delay after a failure: exponential, linear or fixed, capped, with jitter.

Tasques meant Faktory's ``15 + r**4`` but wrote ``^`` (XOR in Go); here the strategy is explicit data.
"""

from datetime import timedelta
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.domain.durations import GoDuration


class BackoffStrategy(StrEnum):
    EXPONENTIAL = "exponential"
    LINEAR = "linear"
    FIXED = "fixed"


class BackoffPolicy(BaseModel):
    """``jitter`` is the share of the delay that is randomised: 1.0 is full jitter, 0 is none."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    strategy: BackoffStrategy = BackoffStrategy.EXPONENTIAL
    base: GoDuration = timedelta(seconds=15)
    max: GoDuration = timedelta(hours=1)
    jitter: float = Field(default=0.5, ge=0.0, le=1.0)

    @model_validator(mode="after")
    def _positive_bounds(self) -> "BackoffPolicy":
        if self.base <= timedelta(0) or self.max < self.base:
            raise ValueError("backoff needs 0 < base <= max")
        return self

    def delay(self, *, failures_before: int, random_fraction: float) -> timedelta:
        """Delay after the (failures_before + 1)-th failure; ``random_fraction`` is uniform in [0, 1)."""
        capped = min(self._undithered(failures_before), self.max)
        return capped * (1.0 - self.jitter * random_fraction)

    def _undithered(self, failures_before: int) -> timedelta:
        if self.strategy is BackoffStrategy.FIXED:
            return self.base
        if self.strategy is BackoffStrategy.LINEAR:
            return self.base * (failures_before + 1)
        # Work in float seconds so a task with many retries cannot overflow timedelta.
        seconds = self.base.total_seconds() * 2.0 ** min(failures_before, 1000)
        return self.max if seconds >= self.max.total_seconds() else timedelta(seconds=seconds)
