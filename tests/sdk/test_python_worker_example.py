"""examples/python_worker.py as a real process: it handles tasks, and on SIGTERM hands back the task it
cannot finish within its grace period (checkpoint kept) and exits cleanly."""

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tests.acceptance.conftest import TasquesServer
from tests.sdk.conftest import Producer

pytestmark = pytest.mark.acceptance

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "python_worker.py"
EXIT_TIMEOUT_SECONDS = 10


async def test_python_worker_example_handles_tasks_and_stops_on_sigterm(
    tasques_server: TasquesServer, producer: Producer, queue: str, tmp_path: Path
) -> None:
    environment = {
        **os.environ,
        "TASQUES_URL": tasques_server.base_url,
        "QUEUE": queue,
        "GRACE_PERIOD": "300ms",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = await asyncio.create_subprocess_exec(
            sys.executable, str(EXAMPLE), env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        greeted = await producer.enqueue(queue, "greet", args={"name": "Ada"})
        refused = await producer.enqueue(queue, "count", args={"to": -1}, retry_times=3)
        long_count = await producer.enqueue(queue, "count", args={"to": 1000, "step_seconds": 0.02})
        greeting = await producer.wait_for_state(queue, greeted, "done")
        assert greeting["last_claimed"]["result"]["success"] == {"greeting": "Hello Ada"}
        assert (await producer.wait_for_state(queue, refused, "cancelled"))["attempted"] == 1
        await producer.wait_for(
            queue, long_count, lambda task: task.get("checkpoint") is not None, "checkpointed"
        )

        worker.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(worker.wait(), EXIT_TIMEOUT_SECONDS)
    finally:
        if worker.returncode is None:
            worker.kill()
            await worker.wait()
    log_text = log_path.read_text(errors="replace")
    assert exit_code == 0, log_text
    assert "grace period over: handing back 1 task(s)" in log_text, log_text
    handed_back = await producer.get(queue, long_count)
    assert (handed_back["state"], handed_back["attempted"]) == ("queued", 0), log_text
    assert 0 < handed_back["checkpoint"]["data"]["next"] < 1000
