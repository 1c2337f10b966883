"""The bash and Node.js example workers (examples/) each handle a task that succeeds and one that fails,
against a real server, and exit by themselves after those two (MAX_TASKS=2)."""

import asyncio
import os
import shutil

import pytest

from tests.acceptance.conftest import TasquesServer
from tests.clients.conftest import REPOSITORY, TypeScriptBuild, run_checked
from tests.sdk.conftest import Producer

pytestmark = pytest.mark.acceptance

EXAMPLES = REPOSITORY / "examples"
RUN_TIMEOUT_SECONDS = 60


def worker_environment(server: TasquesServer, queue: str) -> dict[str, str]:
    return {**os.environ, "TASQUES_URL": server.base_url, "QUEUE": queue, "MAX_TASKS": "2"}


async def run_worker(command: list[str], *, environment: dict[str, str], what: str) -> str:
    return await asyncio.to_thread(
        run_checked, command, cwd=REPOSITORY, what=what, timeout=RUN_TIMEOUT_SECONDS, env=environment
    )


async def test_bash_worker_heartbeats_and_finishes_or_fails_tasks(
    tasques_server: TasquesServer, producer: Producer, queue: str
) -> None:
    bash, curl, jq = (shutil.which(tool) for tool in ("bash", "curl", "jq"))
    if not (bash and curl and jq):
        pytest.skip("the bash example needs bash, curl and jq")
    sleeper = await producer.enqueue(queue, "sleep", args={"seconds": 1})
    unknown = await producer.enqueue(queue, "unknown", retry_times=0)

    await run_worker(
        [bash, str(EXAMPLES / "bash_worker.sh")],
        environment=worker_environment(tasques_server, queue),
        what="bash worker",
    )

    slept = await producer.get(queue, sleeper)
    assert (slept["state"], slept["last_claimed"]["result"]["success"]) == ("done", {"slept": True})
    assert slept["checkpoint"]["data"] == {"step": 1}, "the heartbeat carried a checkpoint"
    assert slept["last_claimed"]["last_report"]["data"] == {"done": 1, "of": 1}
    failed = await producer.get(queue, unknown)
    assert failed["state"] == "dead"
    assert failed["last_claimed"]["result"]["failure"] == {"error": "cannot handle kind unknown"}


async def test_node_worker_uses_the_typescript_client(
    tasques_server: TasquesServer, producer: Producer, queue: str, typescript_build: TypeScriptBuild
) -> None:
    uppercase = await producer.enqueue(queue, "uppercase", args={"text": "hello"})
    unknown = await producer.enqueue(queue, "unknown", retry_times=0)

    await run_worker(
        [typescript_build.node, str(EXAMPLES / "node_worker" / "worker.mjs")],
        environment=worker_environment(tasques_server, queue),
        what="node worker",
    )

    done = await producer.get(queue, uppercase)
    assert (done["state"], done["last_claimed"]["result"]["success"]) == ("done", {"text": "HELLO"})
    failed = await producer.get(queue, unknown)
    assert failed["state"] == "dead"
    assert failed["last_claimed"]["result"]["failure"] == {"error": "no handler for kind unknown"}
