"""Checking the recurring schedule: every fire from the definition's creation through the last one
handled is exactly one task with its deterministic id, finished once; none skipped, doubled or off grid.

The ``@every`` grid counts from the creation time truncated to the whole second, a value stored with the
definition, so every leader (including ones killed mid-pass and their successors) computes the same
instants; ``tests/acceptance/test_leader_failover.py`` checks the same grid across one failover.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.soak.ledger import LedgerSummary, TaskRecord
from tests.soak.plan import RECURRING_ID
from tests.soak.verify import result_lease

JsonObject = dict[str, Any]
FIRE_EVERY = timedelta(seconds=1)
FIRE_ID_TIME_FORMAT = "%Y%m%dT%H%M%S.%fZ"


def parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def fire_task_id(fire: datetime) -> str:
    return f"{RECURRING_ID}@{fire.astimezone(UTC).strftime(FIRE_ID_TIME_FORMAT)}"


def fire_instant(task_id: str) -> datetime | None:
    prefix = f"{RECURRING_ID}@"
    if not task_id.startswith(prefix):
        return None
    try:
        return datetime.strptime(task_id.removeprefix(prefix), FIRE_ID_TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None


def schedule_fires(created_at: datetime, through: datetime) -> list[datetime]:
    fire = created_at.replace(microsecond=0)
    fires: list[datetime] = []
    while fire <= through:
        if fire > created_at:
            fires.append(fire)
        fire += FIRE_EVERY
    return fires


@dataclass
class FireVerdict:
    checked: int = 0
    skipped: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    off_grid: list[str] = field(default_factory=list)
    unfinished: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        return [*self.skipped, *self.doubled, *self.off_grid, *self.unfinished]


def check_fires(
    definition: JsonObject, stored: Mapping[str, list[JsonObject]], ledger: LedgerSummary
) -> FireVerdict:
    created_at = parse_time(definition["metadata"]["created_at"])
    handled = definition.get("last_fire_at")
    instants = [instant for task_id in stored if (instant := fire_instant(task_id)) is not None]
    # Through the last fire handled, or further if a pass that raced the pause enqueued a later one.
    through = max([created_at, *instants, *([parse_time(handled)] if handled else [])])
    expected = {fire_task_id(fire) for fire in schedule_fires(created_at, through)}
    verdict = FireVerdict(checked=len(expected))
    verdict.skipped = [f"fire {task_id} never became a task" for task_id in sorted(expected - set(stored))]
    verdict.off_grid = [f"{task_id} is no fire of the schedule" for task_id in sorted(set(stored) - expected)]
    for task_id, rows in sorted(stored.items()):
        record = ledger.tasks.get(task_id, TaskRecord())
        finishers = set(record.final_writes) | ({lease} if (lease := result_lease(rows[0])) else set())
        if len(rows) > 1 or len(finishers) > 1:
            verdict.doubled.append(f"{task_id}: stored {len(rows)} times, finished under {sorted(finishers)}")
        if rows[0]["state"] != "done" or rows[0].get("recurring_task_id") != RECURRING_ID:
            verdict.unfinished.append(
                f"{task_id}: {rows[0]['state']}, from {rows[0].get('recurring_task_id')}"
            )
    return verdict
