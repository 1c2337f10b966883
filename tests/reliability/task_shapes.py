"""What a task may look like in each state: a half-written change would show as a task outside these."""

from datetime import datetime
from typing import Any

JsonObject = dict[str, Any]
STATES = {"queued", "claimed", "failed", "done", "dead", "cancelled"}


def shape_problems(task: JsonObject) -> list[str]:
    state, attempted, retry_times = task.get("state"), task.get("attempted", -1), task.get("retry_times", -1)
    claim = task.get("last_claimed") or {}
    result = claim.get("result") or {}
    where = f"{task.get('id')} ({state}, attempted {attempted} of {retry_times + 1})"
    problems: list[str] = []
    if state not in STATES:
        return [f"{where}: unknown state"]
    if not 0 <= attempted <= retry_times + 1:
        problems.append(f"{where}: attempt count out of range")
    if state in ("claimed", "failed", "done", "dead") and not claim.get("worker_id"):
        problems.append(f"{where}: no claim recorded")
    if state == "claimed":
        if result:
            problems.append(f"{where}: claimed, yet its claim has a result {result}")
        claimed_at, times_out_at = _time(claim.get("claimed_at")), _time(claim.get("times_out_at"))
        if attempted < 1 or claimed_at is None or times_out_at is None or times_out_at <= claimed_at:
            problems.append(f"{where}: claim {claim} is not a live claim")
    if state == "done" and result.get("success") is None:
        problems.append(f"{where}: done without a success result: {claim}")
    if state in ("failed", "dead") and result.get("failure") is None:
        problems.append(f"{where}: {state} without a failure result: {claim}")
    if state == "failed" and attempted > retry_times:
        problems.append(f"{where}: waiting for a retry it has no attempt left for")
    return problems


def _time(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None
