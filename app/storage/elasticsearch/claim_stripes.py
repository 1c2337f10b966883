"""Which candidates a server claims first when several servers claim from the same queues.

Servers that run the same search see the same best hits; without an agreement, they write to the same
tasks and all but one lose each write (a 409 and a top-up round trip). With ``n`` live claimers
(``claimer_membership``), the server at index ``i`` of their sorted ids owns the hits whose stable hash
of (queue, id) is ``i`` modulo ``n``: it takes those first and the others' hits only when its own
cannot fill the claim, so an idle or dead server's tasks are never starved and a lone server claims
exactly as before. The hash is CRC-32, the same on every server and every run (Python's ``hash`` is
salted per process).

Priority order is kept: a stripe is preferred only within a run of hits sharing a priority, so a claim
still never takes a lower-priority task while a higher one it saw is free. FIFO within a priority is
relaxed among the over-fetched hits, as contended sampling already relaxes it.
"""

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby

from app.domain.task import Task


@dataclass(frozen=True, slots=True)
class Stripe:
    index: int
    count: int

    def __post_init__(self) -> None:
        if not 0 <= self.index < self.count:
            raise ValueError(f"stripe {self.index} of {self.count} does not exist")

    def owns(self, task: Task) -> bool:
        return stripe_of(task, count=self.count) == self.index

    def first(self, tasks: Sequence[Task]) -> list[Task]:
        """``tasks`` with this stripe's ahead of the others inside each run of equal priority, each
        part in its given order."""
        if self.count == 1:
            return list(tasks)
        ordered: list[Task] = []
        for _, run in groupby(tasks, key=lambda task: task.priority):
            same_priority = list(run)
            ordered += [task for task in same_priority if self.owns(task)]
            ordered += [task for task in same_priority if not self.owns(task)]
        return ordered


WHOLE = Stripe(index=0, count=1)
"""A lone claimer: every task is its own."""


def stripe_of(task: Task, *, count: int) -> int:
    return zlib.crc32(f"{task.queue}\x00{task.id}".encode()) % count
