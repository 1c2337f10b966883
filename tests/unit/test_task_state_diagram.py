"""docs/task-states.md draws exactly the state machine the domain implements.

The edges come from the code: every ``Task`` transition is tried on every task reachable from an enqueue
(one shape per state, attempts left and pending cancel), and each move that succeeds is an edge named by
its method. The diagram's arrows, with the methods their labels name, must be that set, no more, no less.
"""

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from app.domain.backoff import BackoffPolicy
from app.domain.errors import TasquesError
from app.domain.states import TaskState
from app.domain.task import Claimant, Metadata, Task

DIAGRAM_DOC = Path(__file__).parents[2] / "docs" / "task-states.md"
T0 = datetime(2026, 1, 1, tzinfo=UTC)
WORKER = Claimant(worker_id="w", lease_token="lease")
BACKOFF = BackoffPolicy()

Edge = tuple[str, str, str]
"""From state, to state, name of the ``Task`` method making the move."""

TRANSITIONS: dict[str, Callable[[Task], Task]] = {
    "claim": lambda task: task.claim(worker_id=WORKER.worker_id, at=T0, lease_token="lease"),
    "report_in": lambda task: task.report_in(WORKER, at=T0, data=None),
    "mark_done": lambda task: task.mark_done(WORKER, at=T0, data=None),
    "mark_failed": lambda task: task.mark_failed(WORKER, at=T0, data=None, backoff=BACKOFF, jitter=0.0),
    "mark_cancelled": lambda task: task.mark_cancelled(WORKER, at=T0, data=None),
    "time_out": lambda task: task.time_out(at=T0, backoff=BACKOFF, jitter=0.0),
    "unclaim": lambda task: task.unclaim(WORKER, at=T0),
    "cancel": lambda task: task.cancel(at=T0, reason=None),
    "retry": lambda task: task.retry(at=T0),
    "requeue": lambda task: task.requeue(at=T0),
    "reprioritize": lambda task: task.reprioritize(at=T0, priority=1),
}
ARROW = re.compile(r"^\s*(?P<source>\S+) --> (?P<target>\S+?)(?::\s*(?P<label>.*))?$")


def enqueued(*, retry_times: int) -> Task:
    return Task(
        id="t",
        queue="q",
        retry_times=retry_times,
        attempted=0,
        kind="k",
        state=TaskState.QUEUED,
        priority=0,
        processing_timeout=timedelta(minutes=1),
        run_at=T0,
        last_enqueued_at=T0,
        metadata=Metadata(created_at=T0, modified_at=T0),
    )


def _shape(task: Task) -> tuple[TaskState, int, bool]:
    """What decides which transitions a task allows: its state, attempts left, a pending cancel."""
    return task.state, task.remaining_attempts, task.cancellation is not None


def implemented_edges() -> set[Edge]:
    # One and two runs in all reach both "attempts left" and "last attempt" in every state.
    frontier = [enqueued(retry_times=0), enqueued(retry_times=1)]
    seen = {_shape(task) for task in frontier}
    edges: set[Edge] = set()
    while frontier:
        task = frontier.pop()
        for name, transition in TRANSITIONS.items():
            try:
                after = transition(task)
            except TasquesError:
                continue
            edges.add((task.state.value, after.state.value, name))
            if _shape(after) not in seen:
                seen.add(_shape(after))
                frontier.append(after)
    return edges


def _mermaid_lines() -> list[str]:
    text = DIAGRAM_DOC.read_text()
    block = re.search(r"```mermaid\n(?P<body>.*?)```", text, re.DOTALL)
    assert block is not None, f"{DIAGRAM_DOC} has no mermaid block"
    return block["body"].splitlines()


def drawn_edges() -> set[Edge]:
    """Arrows between states; a label is ``method / method (when)``. Start and end markers are skipped."""
    edges: set[Edge] = set()
    for line in _mermaid_lines():
        arrow = ARROW.match(line)
        if arrow is None or "[*]" in (arrow["source"], arrow["target"]):
            continue
        methods = (arrow["label"] or "").split("(")[0]
        for method in methods.split("/"):
            edges.add((arrow["source"], arrow["target"], method.strip()))
    return edges


def test_the_diagram_draws_every_transition_the_domain_allows_and_no_other() -> None:
    implemented = implemented_edges()
    drawn = drawn_edges()
    assert sorted(implemented - drawn) == [], "transitions missing from docs/task-states.md"
    assert sorted(drawn - implemented) == [], "arrows in docs/task-states.md the domain does not allow"


def test_the_diagram_names_only_real_states() -> None:
    states = {state.value for state in TaskState} | {"[*]"}
    for line in _mermaid_lines():
        arrow = ARROW.match(line)
        if arrow is not None:
            assert {arrow["source"], arrow["target"]} <= states, line


def test_every_state_is_reached_from_an_enqueue() -> None:
    reached = {target for _, target, _ in implemented_edges()} | {TaskState.QUEUED.value}
    assert reached == {state.value for state in TaskState}
