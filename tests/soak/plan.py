"""What the soak enqueues, and what each task's script says must become of it.

A task's script travels in its ``args``, so any worker, including one started after the worker that
first claimed it was killed, plays the same script. Scripts key on what the server says (the claim's
``attempted`` and ``checkpoint``), never on the worker's memory. Chaos costs attempts (a killed or frozen
worker's claim times out, and a timeout is a failure), so tasks meant to end done get spare attempts;
tasks meant to die fail every attempt and die whatever chaos does; tasks meant to be cancelled cancel
themselves through the API on whichever attempt runs first.
"""

import random
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

QUEUES = ("soak-alpha", "soak-beta")
FIRE_QUEUE = "soak-fires"
RECURRING_ID = "soak-every-second"
KIND = "soak"
# Attempts a task meant to succeed may lose to chaos (killed or frozen workers) and still succeed. A
# dense chaos loop in a small run can cost one long-running task five or six attempts in a row.
CHAOS_SPARE_ATTEMPTS = 20


@dataclass(frozen=True)
class Timeouts:
    """Processing timeouts, in seconds. Quick tasks: long enough that no quick handler outlives it even
    on a loaded machine, short enough that a killed worker's tasks come back soon. Heartbeating and
    stalling tasks get the short one, so heartbeats really matter and stalls really time out."""

    quick: float = 30.0
    short: float = 5.0


JsonObject = dict[str, Any]


class Outcome(StrEnum):
    DONE = "done"
    DEAD = "dead"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class TaskScript:
    fail_times: int = 0  # explicit failures before success
    always_fail: bool = False  # fails every attempt: dead
    cancel: bool = False  # the worker asks for its own cancellation, sees it on a heartbeat, stops
    heartbeat: bool = False  # runs longer than its timeout, kept alive by heartbeats
    hand_back: bool = False  # the first run saves a checkpoint and unclaims; the next one finishes
    stall: bool = False  # the first attempt outlives its timeout silently, then reports with its lease
    duration_ms: int = 0
    timeout_ms: int = 30_000

    @property
    def expected(self) -> Outcome:
        if self.always_fail:
            return Outcome.DEAD
        return Outcome.CANCELLED if self.cancel else Outcome.DONE

    @property
    def slow(self) -> bool:
        """Run on its own, with single-task requests, instead of in the worker's batch."""
        return self.cancel or self.heartbeat or self.hand_back or self.stall

    @property
    def retry_times(self) -> int:
        if self.always_fail:
            return 1
        return self.fail_times + int(self.stall) + CHAOS_SPARE_ATTEMPTS

    @property
    def processing_timeout(self) -> str:
        return f"{self.timeout_ms}ms"

    def to_args(self) -> JsonObject:
        return {name: value for name, value in vars(self).items() if value}

    @classmethod
    def from_args(cls, args: JsonObject | None) -> "TaskScript":
        """Tasks without a script (the recurring schedule's fires) just succeed."""
        fields = {name: value for name, value in (args or {}).items() if name in cls.__dataclass_fields__}
        return cls(**fields)


@dataclass(frozen=True)
class PlannedTask:
    index: int
    id: str
    queue: str
    script: TaskScript

    def new_task_body(self) -> JsonObject:
        return {
            "id": self.id,
            "queue": self.queue,
            "kind": KIND,
            "args": self.script.to_args(),
            "retry_times": self.script.retry_times,
            "processing_timeout": self.script.processing_timeout,
            # A stalled attempt's task jumps the backlog once reaped, so another worker claims it before
            # the staller's late write arrives: that write then meets a superseded lease (409).
            "priority": 10 if self.script.stall else 0,
        }


def plan_task(index: int, *, seed: int, timeouts: Timeouts = Timeouts()) -> PlannedTask:
    """Deterministic per (seed, index): about 3% die, 2% are cancelled, 10% fail first, 3% heartbeat
    (running 1.3 to 2 times their timeout), 2% are handed back once, 1% stall past their timeout; 1% of
    handlers take a few hundred ms."""
    rng = random.Random(seed * 1_000_003 + index)
    roll = rng.random()
    duration_ms = rng.randint(200, 600) if rng.random() < 0.01 else rng.randint(0, 30)
    quick, short = round(timeouts.quick * 1000), round(timeouts.short * 1000)
    script = TaskScript(duration_ms=duration_ms, timeout_ms=quick)
    if roll < 0.03:
        script = TaskScript(always_fail=True, duration_ms=duration_ms, timeout_ms=quick)
    elif roll < 0.05:
        script = TaskScript(cancel=True, timeout_ms=quick)
    elif roll < 0.15:
        script = TaskScript(fail_times=rng.randint(1, 2), duration_ms=duration_ms, timeout_ms=quick)
    elif roll < 0.18:
        script = TaskScript(
            heartbeat=True, duration_ms=round(short * rng.uniform(1.3, 2.0)), timeout_ms=short
        )
    elif roll < 0.20:
        script = TaskScript(hand_back=True, duration_ms=duration_ms, timeout_ms=quick)
    elif roll < 0.21:
        script = TaskScript(stall=True, duration_ms=duration_ms, timeout_ms=short)
    return PlannedTask(index, f"soak-{index:06d}", QUEUES[index % len(QUEUES)], script)


def plan_tasks(count: int, *, seed: int, timeouts: Timeouts = Timeouts()) -> list[PlannedTask]:
    return [plan_task(index, seed=seed, timeouts=timeouts) for index in range(count)]
