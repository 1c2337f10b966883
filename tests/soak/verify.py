"""The soak's verdict: the store's final word on every task, checked against its script and the ledger.

- lost: a planned task the store does not have, or has in a state that is not final.
- wrong outcome: final, but not the state its script meant (done, dead or cancelled).
- doubled: two leases both finished the task (two accepted finishing writes), or the stored result names
  another lease than the accepted write, or a task stored twice (live and archived), or one finished
  under a lease no worker was ever handed.
- rejected stale writes: writes under a superseded lease, answered 409 and changing nothing.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tests.soak.ledger import FINAL_STATES, LedgerSummary, TaskRecord
from tests.soak.plan import Outcome, PlannedTask
from tests.soak.ring import ServerRing

JsonObject = dict[str, Any]
PAGE_SIZE = 1000


@dataclass
class Verdict:
    planned: int = 0
    states: Counter[str] = field(default_factory=Counter)
    lost: list[str] = field(default_factory=list)
    wrong_outcome: list[str] = field(default_factory=list)
    doubled: list[str] = field(default_factory=list)
    other_problems: list[str] = field(default_factory=list)
    rejected_stale_writes: int = 0
    refused_late_writes: int = 0
    # Retries of a finishing write that had landed, its answer lost with a killed server.
    landed_unanswered: int = 0
    handler_runs: int = 0
    claims: int = 0

    @property
    def problems(self) -> list[str]:
        return [*self.lost, *self.wrong_outcome, *self.doubled, *self.other_problems]


async def scan_queue(ring: ServerRing, queue: str) -> dict[str, list[JsonObject]]:
    """Every task of ``queue``, live and archived, by id (a list, so a task stored twice shows)."""
    found: dict[str, list[JsonObject]] = {}
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"queue": queue, "include_archive": "true", "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        response = await ring.request("GET", "/tasques/_search", params=params)
        if response.status_code != 200:
            raise RuntimeError(f"search {queue}: HTTP {response.status_code} {response.text}")
        page = response.json()
        for task in page["tasks"]:
            found.setdefault(task["id"], []).append(task)
        cursor = page["next_cursor"]
        if not cursor:
            return found


def result_lease(task: JsonObject) -> str | None:
    """The lease the finishing worker wrote into the stored result (workers put it in their data)."""
    result = (task.get("last_claimed") or {}).get("result") or {}
    data = result.get("success") or result.get("failure") or {}
    lease = data.get("lease") if isinstance(data, dict) else None
    return str(lease) if lease else None


def check_tasks(
    plan: Sequence[PlannedTask],
    stored: Mapping[str, list[JsonObject]],
    ledger: LedgerSummary,
    *,
    all_planned: set[str],
) -> Verdict:
    """``plan``: the tasks enqueued; ``all_planned``: every id the plan had, enqueued or not."""
    verdict = Verdict(planned=len(plan))
    for planned in plan:
        record = ledger.tasks.get(planned.id, TaskRecord())
        verdict.rejected_stale_writes += record.rejected_stale
        verdict.handler_runs += record.runs
        verdict.claims += len(record.claims)
        rows = stored.get(planned.id, [])
        if not rows:
            verdict.lost.append(f"{planned.id}: not in the store")
            continue
        verdict.states[rows[0]["state"]] += 1
        _check_one(planned.id, planned.script.expected, planned.script.retry_times, rows, record, verdict)
    unplanned = sorted(set(stored) - all_planned)
    if unplanned:
        verdict.other_problems.append(f"{len(unplanned)} tasks nobody planned, e.g. {unplanned[:5]}")
    return verdict


def _check_one(
    task_id: str,
    expected: Outcome,
    retry_times: int,
    rows: list[JsonObject],
    record: TaskRecord,
    verdict: Verdict,
) -> None:
    task = rows[0]
    if len(rows) > 1:
        verdict.doubled.append(f"{task_id}: stored {len(rows)} times: {[row['state'] for row in rows]}")
    if task["state"] not in FINAL_STATES:
        verdict.lost.append(f"{task_id}: left {task['state']} (attempted {task['attempted']})")
        return
    if task["state"] != expected.value:
        verdict.wrong_outcome.append(
            f"{task_id}: {task['state']}, scripted {expected.value}, attempted {task['attempted']}/"
            f"{retry_times + 1}, result {(task.get('last_claimed') or {}).get('result')}"
        )
    if task["attempted"] > retry_times + 1:
        verdict.other_problems.append(f"{task_id}: attempted {task['attempted']} of {retry_times + 1}")
    stored_lease = result_lease(task)
    landed = sum(lease == stored_lease for lease in record.refused_late)
    verdict.landed_unanswered += landed
    verdict.refused_late_writes += len(record.refused_late) - landed
    finishers = set(record.final_writes) | ({stored_lease} if stored_lease else set())
    if len(finishers) > 1:
        verdict.doubled.append(f"{task_id}: finished under {sorted(finishers)}, stored {stored_lease}")
    if stored_lease is not None and stored_lease not in record.claims:
        verdict.doubled.append(f"{task_id}: finished under {stored_lease}, a lease no worker was handed")
