"""A real tasques server on a loopback port for the CLI's HTTP commands, and a runner for the CLI.

The server runs in-process (uvicorn in a thread, SQLite in a temporary directory) so the commands make
real HTTP requests through httpx exactly as against a deployed server, without the seconds a subprocess
takes to import everything. One server serves the whole session; tests keep apart by queue name.
"""

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from typer.testing import CliRunner, Result

from app.cli import cli
from app.components import build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore

START_TIMEOUT_SECONDS = 20.0
SERVER_SETTINGS: dict[str, Any] = {
    "tasks": {"limits": {"max_batch_size": 50}},
    # The CLI needs no leader; a quiet server keeps the tests' timing simple.
    "maintenance": {"enabled": False},
}


@contextmanager
def running_server(settings: dict[str, Any], database: Path) -> Iterator[str]:
    """A tasques server on SQLite at ``database``, in a thread on a loopback port; yields its URL."""
    components = build_components(Settings.model_validate(settings), store=SqliteTaskStore(database))
    config = uvicorn.Config(build_app(components), host="127.0.0.1", port=0, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="cli-test-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the test server did not start")
        time.sleep(0.02)
    port: int = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=START_TIMEOUT_SECONDS)


@pytest.fixture(scope="session")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_server(SERVER_SETTINGS, tmp_path_factory.mktemp("cli-server") / "tasques.db") as url:
        yield url


class Tasques:
    """Runs ``tasques ...`` in-process against the test server, as an operator would type it."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        # Wide enough that rich tables do not fold ids across lines.
        self._runner = CliRunner(env={"COLUMNS": "200", "TASQUES_SERVER_URL": server_url})

    def __call__(self, *arguments: str, expect_exit: int = 0, stdin: str | None = None) -> Result:
        result = self._runner.invoke(cli, list(arguments), input=stdin)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == expect_exit, f"exit {result.exit_code}\n{result.output}"
        return result


@pytest.fixture
def tasques(server_url: str) -> Tasques:
    return Tasques(server_url)


@pytest.fixture
def queue(request: pytest.FixtureRequest) -> str:
    """A queue name of this test's own."""
    name = str(request.node.name)
    return "cli-" + name.replace("_", "-").replace("[", "-").replace("]", "")[:60].lower()


def write_lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path
