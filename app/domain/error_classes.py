"""What "error class" means for a task whose last attempt failed: a short, low-cardinality label for
grouping failures (search aggregations, dashboards), derived from the failure data the worker sent.

Rule, first match wins, on ``last_claimed.result.failure`` of a FAILED or DEAD task:

1. a non-empty string under ``error_class``, ``error_type`` (what the Python worker SDK sends) or
   ``type``, trimmed and cut to ``MAX_ERROR_CLASS_LENGTH`` characters;
2. ``timed_out`` when the failure is the reaper's (the task outlived its claim);
3. ``given_up`` when the worker gave up (``give_up: true``, the SDK's ``GiveUp``);
4. ``unclassified`` otherwise, including a bare ``error`` message: messages are not classes, and
   grouping by them would make one bucket per message.

Tasks in other states have no error class.
"""

from typing import Any

from app.domain.states import TaskState
from app.domain.task import Task

UNCLASSIFIED = "unclassified"
TIMED_OUT = "timed_out"
GIVEN_UP = "given_up"
MAX_ERROR_CLASS_LENGTH = 256
CLASS_KEYS = ("error_class", "error_type", "type")
FAILED_STATES = frozenset({TaskState.FAILED, TaskState.DEAD})


def error_class(failure: dict[str, Any] | None) -> str:
    """The class of one failure's data (see the module docstring)."""
    failure = failure or {}
    for key in CLASS_KEYS:
        value = failure.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()[:MAX_ERROR_CLASS_LENGTH]
    if "timed_out" in failure:
        return TIMED_OUT
    if failure.get("give_up") is True:
        return GIVEN_UP
    return UNCLASSIFIED


def task_error_class(task: Task) -> str | None:
    """The error class of a FAILED or DEAD task; None for every other state."""
    if task.state not in FAILED_STATES:
        return None
    result = task.last_claimed.result if task.last_claimed else None
    return error_class(result.failure if result else None)
