"""Where this store's contended claims take their tasks from: a hand sweeping a hash ring.

When several servers claim from one queue, they all search the same best hits (a refresh behind each
other's claims). Picking at random among them, every server's window overlaps the others' in proportion
to its share of the hits, and each overlap is a lost compare-and-swap. Instead each task has a fixed
place on a ring (a hash of its id) and each store a hand at a random place on it: under contention a
claim takes the best-priority hits in ring order from its hand, and the hand moves past what it won.
Hands that start apart stay apart, since each moves only as far as its store claims, so servers
work on disjoint arcs of the same hits without knowing of each other. A claim that still lost (two
hands met) moves its hand to a random place. Every hit of the tier is on the way of every hand, so a
task waits at most one turn of the hands; priority order is untouched (only the best tier is reordered).
"""

import zlib
from collections.abc import Iterable
from random import Random

from app.domain.task import Task

_RING = 2**32


def ring_place(task: Task) -> int:
    """The task's fixed place on the ring: CRC-32 of its id (stable across servers and restarts)."""
    return zlib.crc32(task.id.encode())


class SweepHand:
    def __init__(self, random: Random) -> None:
        self._random = random
        self._at = random.randrange(_RING)

    def distance(self, task: Task) -> int:
        """How far ahead of the hand ``task`` is, going round the ring."""
        return (ring_place(task) - self._at) % _RING

    def passed(self, won: Iterable[Task]) -> None:
        """Move the hand just past the farthest of the tasks won."""
        farthest = max((self.distance(task) for task in won), default=None)
        if farthest is not None:
            self._at = (self._at + farthest + 1) % _RING

    def jump(self) -> None:
        """Another hand is here: start again somewhere else."""
        self._at = self._random.randrange(_RING)
