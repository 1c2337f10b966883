"""Candidates a claim on this store is writing right now, so that concurrent claims here pass them over.

Concurrent claims on one server search at about the same moment and get the same best hits; without
this, every one of them but the first would send its conditional writes to the same tasks and lose them
all (a 409 per task, then a top-up round trip). A claim reserves the window it is about to write (an
asyncio section with no await, so the check and the mark are one step) and releases it once the
``_bulk`` has answered; by then ``recent_writes`` remembers the tasks it took or lost. Another claim
skips reserved hits and leaves them out of its next search, so it reaches past them instead.
"""

from collections.abc import Callable, Iterable, Sequence

from app.domain.task import Task

TaskKey = tuple[str, str]
"""(queue, task id)."""


def _key(task: Task) -> TaskKey:
    return task.queue, task.id


class ClaimsInFlight:
    def __init__(self, *, written_since: Callable[[Task], bool] = lambda task: False) -> None:
        """``written_since(task)``: a write here changed ``task`` after the search that found it
        (``RecentWrites.is_stale``). A claim's candidates outlive the windows other claims here write
        while it works through them; a window picked without this check lost all 100 of its writes to
        this server's own earlier claim about once in three bench runs."""
        self._held: set[TaskKey] = set()
        self._written_since = written_since

    def holds(self, task: Task) -> bool:
        return _key(task) in self._held

    def next_window(self, remaining: Sequence[Task], *, wanted: int) -> tuple[list[Task], list[Task]]:
        """The first ``wanted`` of ``remaining`` that no other claim here is writing or has written since
        they were found, now reserved, and what is left after them (the ones passed over are dropped)."""
        picked: list[Task] = []
        for index, task in enumerate(remaining):
            if len(picked) == wanted:
                return picked, list(remaining[index:])
            if _key(task) not in self._held and not self._written_since(task):
                self._held.add(_key(task))
                picked.append(task)
        return picked, []

    def release(self, tasks: Iterable[Task]) -> None:
        self._held.difference_update(_key(task) for task in tasks)

    def ids(self, queues: Sequence[str]) -> dict[str, list[str]]:
        """Queue -> ids in flight, for a search over ``queues`` (every queue when empty)."""
        wanted = set(queues)
        found: dict[str, list[str]] = {}
        for queue, task_id in self._held:
            if not wanted or queue in wanted:
                found.setdefault(queue, []).append(task_id)
        return found
