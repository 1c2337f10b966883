"""A client generated from Tasques' own Swagger 2.0 document drives our server unmodified.

Existing Tasques users generate clients from that document, so this is the compatibility promise in
executable form: the README flow (create, claim, report, done), failure and retry, unclaim, get, and
the documented error statuses, all through the generated functions as they are.

The client is generated at test time into a temporary directory (code generated from Tasques' spec is
never committed): ``swagger2openapi`` (npm, via npx) converts Swagger 2.0 to OpenAPI 3, which
``openapi-python-client`` reads. Generation happens once per session. Without npx the tests skip,
except under CI (``CI`` set), where they must run and so fail instead.

The generated package is imported by name at run time, so mypy sees it as untyped modules.
"""

import importlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import httpx
import pytest

from tests.acceptance.conftest import StartTasquesServers, TasquesServer

pytestmark = pytest.mark.acceptance

SWAGGER_PATH = Path(__file__).resolve().parents[3] / "shared" / "reference" / "tasques-swagger.json"
SWAGGER2OPENAPI = "swagger2openapi@7.0.8"
PACKAGE_NAME = "tasques_swagger_client"
GENERATION_TIMEOUT_SECONDS = 300
LEASE_HEADER = "X-TASQUES-LEASE-TOKEN"

SERVER_SETTINGS = {
    # A failed task is claimable again after 10 ms, so the retry test needs no long wait.
    "TASQUES_TASKS__DEFAULTS__BACKOFF__BASE": "10ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__MAX": "10ms",
    "TASQUES_TASKS__DEFAULTS__BACKOFF__JITTER": "0",
    "TASQUES_TASKS__LIMITS__CLAIM_RECHECK_INTERVAL": "20ms",
}


def _cannot_generate(reason: str) -> NoReturn:
    if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
        pytest.fail(f"{reason}; CI must run the generated-client tests", pytrace=False)
    pytest.skip(reason)


def _run(command: list[str], what: str) -> None:
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=GENERATION_TIMEOUT_SECONDS, check=False
    )
    if completed.returncode != 0:
        pytest.fail(
            f"{what} failed with exit code {completed.returncode}:\n{completed.stdout}\n{completed.stderr}",
            pytrace=False,
        )


@dataclass(frozen=True)
class GeneratedClient:
    """The generated package's modules, used exactly as generated."""

    package: ModuleType
    models: ModuleType
    types: ModuleType
    create_task: ModuleType
    get_existing_task: ModuleType
    claim_tasks: ModuleType
    report_on_claimed_task: ModuleType
    mark_claimed_task_done: ModuleType
    mark_claimed_task_failed: ModuleType
    unclaim_existing_task: ModuleType

    def client(self, server: TasquesServer, headers: dict[str, str] | None = None) -> Any:
        # Undocumented statuses (e.g. 409 from done) come back as parsed=None rather than raising, as
        # they would in a Tasques user's code with the generator's defaults.
        return self.package.Client(
            base_url=server.base_url, headers=headers or {}, timeout=httpx.Timeout(30.0)
        )

    def is_unset(self, value: object) -> bool:
        return isinstance(value, self.types.Unset)


@pytest.fixture(scope="session")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GeneratedClient]:
    npx = shutil.which("npx")
    if npx is None:
        _cannot_generate("npx (Node.js) is not installed, so Tasques' Swagger 2.0 cannot be converted")
    if importlib.util.find_spec("openapi_python_client") is None:
        _cannot_generate("openapi-python-client is not installed (run `make install`)")
    if not SWAGGER_PATH.exists():
        pytest.fail(f"Tasques' swagger is missing at {SWAGGER_PATH}", pytrace=False)

    directory = tmp_path_factory.mktemp("generated-tasques-client")
    openapi3 = directory / "tasques-openapi3.json"
    _run([npx, "--yes", SWAGGER2OPENAPI, str(SWAGGER_PATH), "-o", str(openapi3)], "swagger2openapi")
    config = directory / "generator-config.json"
    # No post hooks: the generator would otherwise run ruff over the output, which is not needed.
    config.write_text(json.dumps({"post_hooks": [], "package_name_override": PACKAGE_NAME}))
    _run(
        [
            sys.executable,
            "-m",
            "openapi_python_client",
            "generate",
            "--path",
            str(openapi3),
            "--config",
            str(config),
            "--meta",
            "none",
            "--output-path",
            str(directory / PACKAGE_NAME),
            "--fail-on-warning",
        ],
        "openapi-python-client",
    )

    sys.path.insert(0, str(directory))
    try:
        api = f"{PACKAGE_NAME}.api.tasks"
        yield GeneratedClient(
            package=importlib.import_module(PACKAGE_NAME),
            models=importlib.import_module(f"{PACKAGE_NAME}.models"),
            types=importlib.import_module(f"{PACKAGE_NAME}.types"),
            create_task=importlib.import_module(f"{api}.create_task"),
            get_existing_task=importlib.import_module(f"{api}.get_existing_task"),
            claim_tasks=importlib.import_module(f"{api}.claim_tasks"),
            report_on_claimed_task=importlib.import_module(f"{api}.report_on_claimed_task"),
            mark_claimed_task_done=importlib.import_module(f"{api}.mark_claimed_task_done"),
            mark_claimed_task_failed=importlib.import_module(f"{api}.mark_claimed_task_failed"),
            unclaim_existing_task=importlib.import_module(f"{api}.unclaim_existing_task"),
        )
    finally:
        sys.path.remove(str(directory))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE_NAME]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def server(start_module_tasques_servers: StartTasquesServers) -> TasquesServer:
    (only,) = start_module_tasques_servers(1, settings=SERVER_SETTINGS)
    return only


def new_task(generated: GeneratedClient, queue: str, **fields: Any) -> Any:
    return generated.models.TaskNewTask(queue=queue, kind="sayHello", **fields)


def create(generated: GeneratedClient, client: Any, queue: str, **fields: Any) -> Any:
    response = generated.create_task.sync_detailed(client=client, body=new_task(generated, queue, **fields))
    assert response.status_code == 201, response.content
    return response.parsed


def claim_one(generated: GeneratedClient, client: Any, queue: str, worker_id: str) -> Any:
    response = generated.claim_tasks.sync_detailed(
        client=client,
        body=generated.models.TaskClaim(queues=[queue], amount=1, block_for="2s"),
        x_tasques_worker_id=worker_id,
    )
    assert response.status_code == 200, response.content
    assert len(response.parsed) == 1, response.content
    return response.parsed[0]


def test_readme_flow_create_claim_report_done(generated: GeneratedClient, server: TasquesServer) -> None:
    queue, worker_id = "generated-readme", "worker-readme"
    models = generated.models
    with generated.client(server) as client:
        created = create(
            generated,
            client,
            queue,
            args=models.TaskNewTaskArgs.from_dict({"name": "Lloyd"}),
            context=models.TaskNewTaskContext.from_dict({"request_id": "abc"}),
            processing_timeout="30m",
            retry_times=10,
            priority=5,
        )
        assert isinstance(created, models.TaskTask)
        assert (created.queue, created.kind, created.state, created.attempted) == (
            queue,
            "sayHello",
            "queued",
            0,
        )
        assert (created.retry_times, created.priority, created.processing_timeout) == (10, 5, "30m0s")
        assert created.args.additional_properties == {"name": "Lloyd"}
        assert created.context.additional_properties == {"request_id": "abc"}
        assert generated.is_unset(created.last_claimed)

        claimed = claim_one(generated, client, queue, worker_id)
        assert (claimed.id, claimed.state, claimed.attempted) == (created.id, "claimed", 1)
        assert claimed.last_claimed.worker_id == worker_id
        # The lease-token extension is an unknown field to this client: kept aside, harmless.
        assert claimed.additional_properties["lease_token"]

        reported = generated.report_on_claimed_task.sync_detailed(
            client=client,
            queue=queue,
            id=created.id,
            body=models.TaskNewReport(data=models.TaskReportedData.from_dict({"progress": 50})),
            x_tasques_worker_id=worker_id,
        )
        assert reported.status_code == 200, reported.content
        assert reported.parsed.last_claimed.last_report.data.additional_properties == {"progress": 50}
        assert reported.parsed.last_claimed.times_out_at >= claimed.last_claimed.times_out_at

        done = generated.mark_claimed_task_done.sync_detailed(
            client=client,
            queue=queue,
            id=created.id,
            body=models.TaskSuccess(data=models.TaskSuccessData.from_dict({"greeting": "Hello Lloyd"})),
            x_tasques_worker_id=worker_id,
        )
        assert done.status_code == 200, done.content
        assert done.parsed.state == "done"
        assert done.parsed.last_claimed.result.success.additional_properties == {"greeting": "Hello Lloyd"}

        fetched = generated.get_existing_task.sync_detailed(client=client, queue=queue, id=created.id)
        assert fetched.status_code == 200, fetched.content
        assert (fetched.parsed.state, fetched.parsed.attempted) == ("done", 1)
        assert fetched.parsed.metadata.version.seq_num > created.metadata.version.seq_num


def test_failed_task_is_requeued_then_dead_when_retries_run_out(
    generated: GeneratedClient, server: TasquesServer
) -> None:
    queue, worker_id = "generated-retry", "worker-retry"
    models = generated.models
    with generated.client(server) as client:
        created = create(generated, client, queue, retry_times=1)

        def fail(reason: str) -> Any:
            response = generated.mark_claimed_task_failed.sync_detailed(
                client=client,
                queue=queue,
                id=created.id,
                body=models.TaskFailure(data=models.TaskFailureData.from_dict({"reason": reason})),
                x_tasques_worker_id=worker_id,
            )
            assert response.status_code == 200, response.content
            return response.parsed

        first_claim = claim_one(generated, client, queue, worker_id)
        requeued = fail("first try")
        assert (requeued.state, requeued.attempted) == ("failed", 1)
        assert requeued.run_at > first_claim.last_claimed.claimed_at, "retry must wait for its backoff"
        assert requeued.last_claimed.result.failure.additional_properties == {"reason": "first try"}

        second_claim = claim_one(generated, client, queue, worker_id)
        assert (second_claim.id, second_claim.attempted) == (created.id, 2)
        assert generated.is_unset(second_claim.last_claimed.result), "a new claim starts a clean result"

        dead = fail("second try")
        assert (dead.state, dead.attempted) == ("dead", 2), "retry_times=1 allows two runs in all"
        fetched = generated.get_existing_task.sync_detailed(client=client, queue=queue, id=created.id)
        assert fetched.parsed.state == "dead"


def test_unclaim_requeues_without_spending_an_attempt(
    generated: GeneratedClient, server: TasquesServer
) -> None:
    queue = "generated-unclaim"
    with generated.client(server) as client:
        created = create(generated, client, queue)
        claim_one(generated, client, queue, "worker-first")

        unclaimed = generated.unclaim_existing_task.sync_detailed(
            client=client, queue=queue, id=created.id, x_tasques_worker_id="worker-first"
        )
        assert unclaimed.status_code == 200, unclaimed.content
        assert (unclaimed.parsed.state, unclaimed.parsed.attempted) == ("queued", 0)

        reclaimed = claim_one(generated, client, queue, "worker-second")
        assert (reclaimed.id, reclaimed.attempted) == (created.id, 1)
        assert reclaimed.last_claimed.worker_id == "worker-second"


def test_documented_error_statuses(generated: GeneratedClient, server: TasquesServer) -> None:
    queue, owner = "generated-errors", "worker-owner"
    models = generated.models
    with generated.client(server) as client:
        missing = generated.get_existing_task.sync_detailed(client=client, queue=queue, id="no-such-task")
        assert missing.status_code == 404
        assert isinstance(missing.parsed, models.CommonBody)
        assert missing.parsed.message == f"Could not find [no-such-task] in queue [{queue}]"

        create(generated, client, queue, id="fixed-id")
        duplicate = generated.create_task.sync_detailed(
            client=client, body=new_task(generated, queue, id="fixed-id")
        )
        assert duplicate.status_code == 409
        assert duplicate.parsed.message == "Task with Id [fixed-id] already exists "

        def done(worker_id: str) -> Any:
            return generated.mark_claimed_task_done.sync_detailed(
                client=client,
                queue=queue,
                id="fixed-id",
                body=models.TaskSuccess(),
                x_tasques_worker_id=worker_id,
            )

        not_claimed = done(owner)
        assert not_claimed.status_code == 400
        assert (
            not_claimed.parsed.message
            == "The Task is not currently Claimed so cannot be reported on: [fixed-id]"
        )

        claim_one(generated, client, queue, owner)
        not_owner = done("worker-intruder")
        assert not_owner.status_code == 403
        assert not_owner.parsed.message == "The Task was not owned by the worker [worker-intruder]"

        bad_queue = generated.unclaim_existing_task.sync_detailed(
            client=client, queue="Not_A_Queue", id="fixed-id", x_tasques_worker_id=owner
        )
        assert bad_queue.status_code == 400
        assert bad_queue.parsed.message.startswith("Illegal Queue name: [[")

        no_such_unclaim = generated.unclaim_existing_task.sync_detailed(
            client=client, queue=queue, id="no-such-task", x_tasques_worker_id=owner
        )
        assert no_such_unclaim.status_code == 404


def test_stale_lease_token_is_refused_with_409(generated: GeneratedClient, server: TasquesServer) -> None:
    """A lease-aware user of the generated client adds the token header; a superseded one gets 409."""
    queue, worker_id = "generated-lease", "worker-lease"
    with generated.client(server) as client:
        created = create(generated, client, queue)
        stale_token = claim_one(generated, client, queue, worker_id).additional_properties["lease_token"]
        generated.unclaim_existing_task.sync_detailed(
            client=client, queue=queue, id=created.id, x_tasques_worker_id=worker_id
        )
        current_token = claim_one(generated, client, queue, worker_id).additional_properties["lease_token"]
        assert current_token != stale_token

        for token, expected_status in ((stale_token, 409), (current_token, 200)):
            with generated.client(server, headers={LEASE_HEADER: token}) as lease_client:
                response = generated.mark_claimed_task_done.sync_detailed(
                    client=lease_client,
                    queue=queue,
                    id=created.id,
                    body=generated.models.TaskSuccess(),
                    x_tasques_worker_id=worker_id,
                )
            assert response.status_code == expected_status, response.content
        # 409 is not in Tasques' swagger for done, so the generated client leaves it unparsed.
        fetched = generated.get_existing_task.sync_detailed(client=client, queue=queue, id=created.id)
        assert fetched.parsed.state == "done"


@pytest.mark.parametrize(
    "zero_time",
    [
        pytest.param("0001-01-01T00:00:00.000Z", id="go-swagger-text"),
        pytest.param(datetime(1, 1, 1, tzinfo=UTC), id="generated-model-datetime"),
    ],
)
def test_zero_time_run_at_means_run_now(
    generated: GeneratedClient, server: TasquesServer, zero_time: str | datetime
) -> None:
    """go-swagger clients always send Go's zero time for an unset run_at; it must mean "now"."""
    queue = f"generated-zero-time-{'text' if isinstance(zero_time, str) else 'model'}"
    with generated.client(server) as client:
        before = datetime.now(UTC)
        if isinstance(zero_time, datetime):
            created = create(generated, client, queue, run_at=zero_time)
        else:
            # The generated model cannot carry Go's exact text, so send the body a go-swagger client
            # sends through the generated client's own HTTP connection and parse with its model.
            raw = client.get_httpx_client().post(
                "/tasques", json={"queue": queue, "kind": "sayHello", "run_at": zero_time}
            )
            assert raw.status_code == 201, raw.text
            created = generated.models.TaskTask.from_dict(raw.json())
        after = datetime.now(UTC)
        assert before - timedelta(seconds=1) <= created.run_at <= after + timedelta(seconds=1)
        assert claim_one(generated, client, queue, "worker-zero-time").id == created.id
