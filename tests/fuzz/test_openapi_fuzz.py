"""Fuzz the committed OpenAPI contract (``openapi/openapi.json``) against the in-process app with Schemathesis.

The document is read from the file, not from the live app, so what is fuzzed is the contract clients are
generated from. Every operation goes through Schemathesis' examples, coverage and fuzzing phases with
valid and invalid data; a stateful run then chains operations through OpenAPI links (create a task, then
read, claim, report, finish or administer that very task). Each response must be:

- no 5xx at all: the store is always reachable here, so even 503 is a failure;
- a documented status code, with a documented content type and a body (and headers) matching the schema;
- for every 4xx, the one error body of ``app/api/errors.py``: ``{"message": str, "error": str, ...}``.

The document gets what it should say but does not yet (``contract_for_fuzzing``): the links, and Go's
duration syntax as a pattern. Fuzz dictionaries add edge values the types cannot express (durations and
instants at the ends of their ranges, schedules, zones, queue names). The app runs without auth and
without a leader, with the network closed, on a SQLite store in a temporary directory.

Budget: ``TASQUES_FUZZ_EXAMPLES`` examples per operation (default 10) and
``TASQUES_FUZZ_STATEFUL_EXAMPLES`` stateful scenarios of up to ``TASQUES_FUZZ_STATEFUL_STEPS`` calls
(default 5 of 8), from the seed ``TASQUES_FUZZ_SEED`` (fixed by default, so ``make check`` runs the same
cases every time); ``make fuzz`` raises them. Long polls are bounded by the settings (``max_block_for``
and ``max_wait`` of 50ms; larger values answer 400), so no call waits longer than that.

Past findings are kept in ``FINDINGS`` as minimal replays: regression tests that must keep passing.
"""

import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn, cast

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from schemathesis.core import NOT_SET
from schemathesis.generation.stateful import APIStateMachine
from schemathesis.python import asgi
from starlette.responses import PlainTextResponse
from starlette.types import Message, Receive, Scope, Send

from app.components import build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore

Case = schemathesis.Case[Any]
OPENAPI = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def _budget(name: str, default: int) -> int:
    value = int(os.environ.get(name, default))
    if value < 1:
        raise ValueError(f"{name} must be at least 1, got {value}")
    return value


EXAMPLES = _budget("TASQUES_FUZZ_EXAMPLES", 10)
STATEFUL_EXAMPLES = _budget("TASQUES_FUZZ_STATEFUL_EXAMPLES", 5)
STATEFUL_STEPS = _budget("TASQUES_FUZZ_STATEFUL_STEPS", 8)
SEED = int(os.environ.get("TASQUES_FUZZ_SEED", "20261123"))

# No authentication configured. Long polls stay short: claims default to a 10ms block and refuse more
# than 50ms, enqueue-and-wait refuses more than 50ms (both with 400, which is in the contract).
SETTINGS: dict[str, Any] = {
    "tasks": {
        "defaults": {"block_for": "10ms"},
        "limits": {"max_block_for": "50ms", "max_wait": "50ms", "max_batch_size": 100},
    },
    # No leader: nothing changes the store between requests but the requests themselves.
    "maintenance": {"enabled": False, "scheduler": {"max_backfill_fires": 50}},
}

# --------------------------------------------------------------------------------------------------------
# OpenAPI links for the stateful phase. They belong in the document (route decorators' ``responses``);
# until the routes declare them, they are added here to the document read from the file. Links the
# document already has for an operation and status are kept and win over these.
# --------------------------------------------------------------------------------------------------------
_TASK = {"path.queue": "$response.body#/queue", "path.id": "$response.body#/id"}
_CLAIMED = {
    "path.queue": "$response.body#/0/queue",
    "path.id": "$response.body#/0/id",
    "header.X-TASQUES-WORKER-ID": "$request.header.X-TASQUES-WORKER-ID",
    "header.X-TASQUES-LEASE-TOKEN": "$response.body#/0/lease_token",
}
_TASK_LINKS: dict[str, dict[str, Any]] = {
    "GetTask": {"operationId": "get-existing-task", "parameters": _TASK},
    "GetTaskResult": {"operationId": "get-task-result", "parameters": _TASK},
    "GetTaskAttempts": {"operationId": "get-task-attempts", "parameters": _TASK},
    "CancelTask": {"operationId": "cancel-task", "parameters": _TASK},
    "RetryTask": {"operationId": "retry-task", "parameters": _TASK},
    "RequeueTask": {"operationId": "requeue-task", "parameters": _TASK},
    "ReprioritizeTask": {"operationId": "reprioritize-task", "parameters": _TASK},
    "DeleteTask": {"operationId": "delete-task", "parameters": _TASK},
    "ClaimFromQueue": {
        "operationId": "claim-tasks",
        "parameters": {"header.X-TASQUES-WORKER-ID": "fuzz-worker"},
        "requestBody": {"queues": ["$response.body#/queue"], "amount": 1, "block_for": "0s"},
    },
}
_RECURRING = {"path.id": "$response.body#/id"}
LINKS: dict[tuple[str, str], dict[str, dict[str, Any]]] = {
    ("create-task", "201"): _TASK_LINKS,
    ("create-task", "202"): _TASK_LINKS,
    ("create-tasks", "200"): {
        "GetFirstTask": {
            "operationId": "get-existing-task",
            "parameters": {
                "path.queue": "$response.body#/results/0/task/queue",
                "path.id": "$response.body#/results/0/task/id",
            },
        },
    },
    ("claim-tasks", "200"): {
        "ReportOnClaimed": {"operationId": "report-on-claimed-task", "parameters": _CLAIMED},
        "MarkClaimedDone": {"operationId": "mark-claimed-task-done", "parameters": _CLAIMED},
        "MarkClaimedFailed": {"operationId": "mark-claimed-task-failed", "parameters": _CLAIMED},
        "MarkClaimedCancelled": {"operationId": "mark-claimed-task-cancelled", "parameters": _CLAIMED},
        "UnclaimClaimed": {"operationId": "unclaim-existing-task", "parameters": _CLAIMED},
        "FinishClaimedInBatch": {
            "operationId": "finish-claimed-tasks",
            "parameters": {"header.X-TASQUES-WORKER-ID": "$request.header.X-TASQUES-WORKER-ID"},
            "requestBody": {
                "items": [
                    {
                        "queue": "$response.body#/0/queue",
                        "id": "$response.body#/0/id",
                        "outcome": "done",
                        "lease_token": "$response.body#/0/lease_token",
                    }
                ]
            },
        },
    },
    ("create-recurring-task", "201"): {
        "GetRecurring": {"operationId": "get-existing-recurring-task", "parameters": _RECURRING},
        "UpdateRecurring": {"operationId": "update-existing-recurring-task", "parameters": _RECURRING},
        "DeleteRecurring": {"operationId": "delete-existing-recurring-task", "parameters": _RECURRING},
        "PauseRecurring": {"operationId": "pause-recurring-task", "parameters": _RECURRING},
        "ResumeRecurring": {"operationId": "resume-recurring-task", "parameters": _RECURRING},
        "BackfillRecurring": {"operationId": "backfill-recurring-task", "parameters": _RECURRING},
    },
    ("bulk-action", "202"): {
        "GetAdminJob": {"operationId": "get-admin-job", "parameters": {"path.id": "$response.body#/job/id"}},
    },
}


# What the contract types only as "Go duration string": Go's ``time.ParseDuration`` syntax. With it the
# positive phases send durations the server can accept, and the negative ones malformed durations.
GO_DURATION_PATTERN = r"^[-+]?(0|(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+)$"


def contract_for_fuzzing(document: dict[str, Any]) -> dict[str, Any]:
    """The committed document plus what it should say but does not yet: ``LINKS`` where their operations
    and statuses exist (links the document has win), and a pattern on Go duration strings."""
    operation_ids = {
        operation.get("operationId")
        for path_item in document.get("paths", {}).values()
        for operation in path_item.values()
        if isinstance(operation, dict)
    }
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for status, response in operation.get("responses", {}).items():
                links = LINKS.get((operation.get("operationId", ""), status), {})
                usable = {name: link for name, link in links.items() if link["operationId"] in operation_ids}
                if usable:
                    response["links"] = {**usable, **response.get("links", {})}
    _add_duration_patterns(document)
    return document


def _add_duration_patterns(node: object) -> None:
    if isinstance(node, dict):
        if node.get("type") == "string" and node.get("description") == "Go duration string":
            node.setdefault("pattern", GO_DURATION_PATTERN)
        for value in node.values():
            _add_duration_patterns(value)
    elif isinstance(node, list):
        for value in node:
            _add_duration_patterns(value)


# --------------------------------------------------------------------------------------------------------
# The check the contract cannot express: every error is app/api/errors.py's one body.
# --------------------------------------------------------------------------------------------------------
@schemathesis.check
def tasques_error_body(ctx: schemathesis.CheckContext, response: schemathesis.Response, case: Case) -> None:
    """Every 4xx answers ``{"message": str, "error": str, "details"?: object}`` as JSON."""
    if not 400 <= response.status_code < 500:
        return
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(
            f"{response.status_code} error body is not JSON: {response.content[:200]!r}"
        ) from None
    problems = []
    if not isinstance(body, dict):
        problems.append("is not an object")
    else:
        if not isinstance(body.get("message"), str):
            problems.append('has no string "message"')
        if not isinstance(body.get("error"), str):
            problems.append('has no string "error" code')
        if "details" in body and not isinstance(body["details"], dict):
            problems.append('has a "details" that is not an object')
    if problems:
        raise AssertionError(f"{response.status_code} error body {', '.join(problems)}: {body!r}")


# --------------------------------------------------------------------------------------------------------
# Edge values for what the contract types only as "string": Go durations, RFC 3339 instants at the ends
# of the calendar, schedules, time zones and queue names. Each bound field draws from them part of the time.
# --------------------------------------------------------------------------------------------------------
DICTIONARIES: dict[str, list[str]] = {
    "durations": [
        "0s",
        "1ns",
        "10ms",
        "50ms",
        "51ms",
        "1.5h",
        "-1s",
        "2562047h47m16.854775807s",
        "2562048h",
        "106751991167h",
        "9999999999999h",
    ],
    "instants": [
        "0001-01-01T00:00:00Z",
        "0001-01-01T00:00:00+01:00",
        "0002-01-01T00:00:00Z",
        "0105-08-25T05:55:55Z",
        "0999-12-31T23:59:59Z",
        "1969-12-31T23:59:59Z",
        "2026-03-29T02:30:00+01:00",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59-01:00",
    ],
    "schedules": [
        "@every 1s",
        "@every 0s",
        "@every 1ns",
        "@every 9999999999999h",
        "@hourly",
        "@daily",
        "* * * * *",
        "0 0 30 2 *",
        "59 23 31 12 *",
        "*/0 * * * *",
        "0 2 * * *",
    ],
    "timezones": ["UTC", "Europe/Paris", "Etc/GMT+12", "Etc/GMT-14", "local", "", "../../etc/passwd"],
    "queues": ["q", "reports", "Q", "_q", "-q", "a b", ".", "..", "q" * 256],
}
BINDINGS: dict[str, str] = {
    "query.wait": "durations",
    "body.block_for": "durations",
    "body.processing_timeout": "durations",
    "body.tasks[*].processing_timeout": "durations",
    "body.task_definition.processing_timeout": "durations",
    "body.backoff.base": "durations",
    "body.backoff.max": "durations",
    "body.catchup_window": "durations",
    "body.jitter": "durations",
    "query.created_after": "instants",
    "query.created_before": "instants",
    "body.run_at": "instants",
    "body.tasks[*].run_at": "instants",
    "body.start": "instants",
    "body.end": "instants",
    "body.query.created_after": "instants",
    "body.query.created_before": "instants",
    "body.schedule_expression": "schedules",
    "body.timezone": "timezones",
    "path.queue": "queues",
    "body.queue": "queues",
    "body.queues[*]": "queues",
    "body.tasks[*].queue": "queues",
    "body.task_definition.queue": "queues",
}

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "dictionaries": {name: {"values": values} for name, values in DICTIONARIES.items()},
        "parameters": {
            field: {"dictionary": dictionary, "probability": 0.25} for field, dictionary in BINDINGS.items()
        },
        "generation": {"max-examples": EXAMPLES, "deterministic": True, "database": "none"},
        "checks": {
            "enabled": False,
            "not_a_server_error": {"enabled": True},
            "status_code_conformance": {"enabled": True},
            "content_type_conformance": {"enabled": True},
            "response_schema_conformance": {"enabled": True},
            "response_headers_conformance": {"enabled": True},
            "tasques_error_body": {"enabled": True},
        },
    }
)


class _AppSlot:
    """The ASGI app Schemathesis calls, on a store of its own that ``fresh`` replaces by an empty one.

    Schemathesis runs an app's lifespan on its first request and may stop it and start it again
    between tests. A server does not come back to life after its lifespan stopped (it stops claiming
    for good), so each lifespan gets an app of its own on the same store file: a restarted server.
    Like a real server, an exception escaping the app becomes (or stays) a 500 response instead of
    reaching the test (Starlette re-raises after sending its 500), so Schemathesis reports a server
    error with the request that caused it."""

    def __init__(self) -> None:
        self.app: FastAPI | None = None
        self.directory: Path | None = None
        self._store_path: Path | None = None
        self._stores = 0

    def fresh(self) -> None:
        """Stop the current app, then start one on a new, empty SQLite store."""
        self.stop()
        assert self.directory is not None, "the fuzz_app fixture gives the store directory"
        self._stores += 1
        self._store_path = self.directory / f"tasques-{self._stores}.db"
        # Schemathesis types ASGI apps with dict scopes, Starlette with mappings: the same protocol.
        with asgi.get_client(cast(Any, self)) as client:  # starts the lifespan: the store creates its schema
            ready = client.get("/readyz")
        assert ready.status_code == 200, ready.text

    def stop(self) -> None:
        asgi.shutdown_lifespans()
        self.app = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            assert self._store_path is not None, "fresh() names the store first"
            store = SqliteTaskStore(self._store_path)
            self.app = build_app(build_components(Settings.model_validate(SETTINGS), store=store))
        assert self.app is not None, "the lifespan builds the app"
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            if not started:
                await PlainTextResponse("Internal Server Error", status_code=500)(scope, receive, send)


APP = _AppSlot()
schema = schemathesis.openapi.from_dict(contract_for_fuzzing(json.loads(OPENAPI.read_text())), config=CONFIG)
schema.app = APP


@pytest.fixture(scope="module")
def fuzz_app(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app on a fresh SQLite store, started and ready, with the network closed (see ``_no_network``).
    The parameter (the backend) also keeps each operation's test id unique: under pytest 9.2
    Schemathesis' own ids all collapse to the function name."""
    backend: str = request.param
    assert backend == "sqlite"
    APP.directory = tmp_path_factory.mktemp("fuzz")
    with _no_network() as attempts:
        APP.fresh()
        try:
            yield backend
        finally:
            APP.stop()
    assert not attempts, f"the server tried to reach the network: {attempts}"


@contextmanager
def _no_network() -> Iterator[list[str]]:
    """Refuse (and record) every outbound connection and name lookup. The fuzzer registers push workers
    with arbitrary URLs; the server must not contact them (it has no leader here, so nothing delivers)."""
    attempts: list[str] = []

    def refuse(*args: object, **_: object) -> NoReturn:
        attempts.append(repr(args[1:] if isinstance(args[0], socket.socket) else args))
        raise OSError("tests/fuzz: no network")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        patch.setattr(socket, "getaddrinfo", refuse)
        yield attempts


BACKENDS = pytest.mark.parametrize("fuzz_app", ["sqlite"], indirect=True)


@BACKENDS
@schema.parametrize()
def test_operation_honours_the_contract(case: Case, fuzz_app: str) -> None:
    case.call_and_validate()


def _start_scenario_on_an_empty_store(_: object) -> None:
    APP.fresh()


@BACKENDS
def test_linked_operations_honour_the_contract(fuzz_app: str) -> None:
    """Each scenario starts on an empty store, so replaying a scenario (Hypothesis does, to shrink a
    failure) meets the same responses and draws the same linked values."""
    workflow = type(
        "TasquesWorkflow", (schema.as_state_machine(),), {"setup": _start_scenario_on_an_empty_store}
    )
    seeded = cast(type[APIStateMachine], hypothesis.seed(SEED)(workflow))
    seeded.run(
        settings=hypothesis.settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            database=None,
            deadline=None,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
    )


# --------------------------------------------------------------------------------------------------------
# The minimal requests behind the fuzzer's past findings (all fixed), replayed through the same checks so
# they stay fixed.
# --------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Call:
    method: str
    path: str  # the path template of the operation, as in the document
    path_parameters: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Any = NOT_SET
    headers: dict[str, str] = field(default_factory=dict)

    def case(self) -> Case:
        return schema[self.path][self.method].Case(
            path_parameters=self.path_parameters, query=self.query, body=self.body, headers=self.headers
        )


def _finding(name: str, reason: str, *calls: Call) -> Any:
    """The last call must honour the contract; the calls before it set the store up. ``reason`` names
    the bug the replay once showed."""
    return pytest.param(calls, id=name)


WORKER = {"X-TASQUES-WORKER-ID": "fuzz-worker"}
F1 = "F1: instants before year 1000 are stored unpadded and cannot be read back"
F2 = "F2: date-time arithmetic overflows at the ends of the calendar (500)"
F3 = "F3: Go durations beyond Python's timedelta overflow (500)"
F4 = "F4: an impossible backoff escapes as a pydantic ValidationError (500)"
FINDINGS = [
    _finding(
        "F1-read-back",
        F1,
        Call(
            "POST", "/tasques", body={"queue": "f1", "kind": "k", "id": "t", "run_at": "0105-08-25T05:55:55Z"}
        ),
        Call("GET", "/tasques/{queue}/{id}", path_parameters={"queue": "f1", "id": "t"}),
    ),
    _finding(
        "F1-claim",
        F1,
        Call("POST", "/tasques", body={"queue": "f1c", "kind": "k", "run_at": "0105-08-25T05:55:55Z"}),
        Call("POST", "/tasques/claims", body={"queues": ["f1c"], "block_for": "0s"}, headers=WORKER),
    ),
    _finding(
        "F1-search",
        F1,
        Call("POST", "/tasques", body={"queue": "f1s", "kind": "k", "run_at": "0999-12-31T23:59:59Z"}),
        Call("GET", "/tasques/_search", query={"queue": "f1s"}),
    ),
    _finding(
        "F1-bulk-job",
        F1,
        Call(
            "POST",
            "/tasques/_bulk/{action}",
            path_parameters={"action": "retry"},
            body={"query": {"created_before": "0105-05-11T12:18:12Z"}},
        ),
    ),
    _finding(
        "F2-search",
        F2,
        Call("GET", "/tasques/_search", query={"created_after": "0001-01-01T00:00:00+01:00"}),
    ),
    _finding(
        "F2-run-at",
        F2,
        Call("POST", "/tasques", body={"queue": "f2", "kind": "k", "run_at": "9999-12-31T23:59:59-01:00"}),
    ),
    _finding(
        "F2-backfill",
        F2,
        Call(
            "POST",
            "/recurring_tasques",
            body={
                "id": "f2",
                "schedule_expression": "@hourly",
                "task_definition": {"queue": "f2", "kind": "k"},
            },
        ),
        Call(
            "POST",
            "/recurring_tasques/{id}/backfill",
            path_parameters={"id": "f2"},
            body={"start": "9999-12-31T22:30:00Z", "end": "9999-12-31T23:59:59Z"},
        ),
    ),
    _finding(
        "F3-processing-timeout",
        F3,
        Call("POST", "/tasques", body={"queue": "f3", "kind": "k", "processing_timeout": "106751991167h"}),
    ),
    _finding(
        "F3-block-for",
        F3,
        Call(
            "POST", "/tasques/claims", body={"queues": ["f3"], "block_for": "9999999999999h"}, headers=WORKER
        ),
    ),
    _finding(
        "F3-wait",
        F3,
        Call("POST", "/tasques", query={"wait": "9999999999999h"}, body={"queue": "f3", "kind": "k"}),
    ),
    _finding(
        "F3-schedule",
        F3,
        Call(
            "POST",
            "/recurring_tasques",
            body={
                "id": "f3",
                "schedule_expression": "@every 9999999999999h",
                "task_definition": {"queue": "f3", "kind": "k"},
            },
        ),
    ),
    _finding(
        "F4-backoff",
        F4,
        Call("POST", "/tasques", body={"queue": "f4", "kind": "k", "backoff": {"base": "2h", "max": "1h"}}),
    ),
]


@BACKENDS
@pytest.mark.parametrize("calls", FINDINGS)
def test_past_finding_stays_fixed(calls: tuple[Call, ...], fuzz_app: str) -> None:
    *setup, last = calls
    for call in setup:
        call.case().call()
    last.case().call_and_validate()
