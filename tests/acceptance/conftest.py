"""Real ``tasques serve`` processes for acceptance tests.

Each pool runs N servers on free loopback ports in its own directory, all on one SQLite file, as an
operator would run several replicas. A server counts as started once ``GET /readyz`` answers 200; the
wait is a bounded poll that also notices at once if the process dies. Servers are always stopped
(SIGTERM, then SIGKILL), and when a test fails the tail of every live server's stderr is attached to
the report, because a failing acceptance test is usually explained by the server's log.
"""

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Generator, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import httpx
import pytest

LOOPBACK = "127.0.0.1"
READY_TIMEOUT_SECONDS = 30.0
READINESS_POLL_SECONDS = 0.05
STOP_TIMEOUT_SECONDS = 15.0
LOG_TAIL_CHARACTERS = 6_000
# A free port found by binding port 0 can be taken by someone else before the server binds it.
PORT_ATTEMPTS = 3

# Servers that are running now, in start order: the failure hook reports their logs.
_LIVE_SERVERS: list["TasquesServer"] = []


@dataclass
class TasquesServer:
    name: str
    port: int
    process: "subprocess.Popen[bytes]"
    stderr_path: Path
    access_log_path: Path
    # Set once /readyz answered 200. A server that never got there has already failed its test through
    # ``ServerStartFailed``, so teardown does not report it a second time.
    ready: bool = False
    # Set by ``kill``: a server a test crashed on purpose is not reported as having died in teardown.
    killed: bool = False

    @property
    def base_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def kill(self) -> None:
        """Crash the server with SIGKILL (no shutdown hooks run, its leader lock is not released), as the
        OOM killer or a lost machine would, and wait until the process is gone."""
        self.killed = True
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)

    def request_shutdown(self) -> None:
        """SIGTERM, as an orchestrator stopping it would (uvicorn's graceful shutdown); returns at once.
        Like ``kill``, marks the exit as the test's doing, so teardown does not report it as a death."""
        self.killed = True
        self.process.send_signal(signal.SIGTERM)

    def stderr_tail(self) -> str:
        text = self.stderr_path.read_text(errors="replace") if self.stderr_path.exists() else ""
        return text[-LOG_TAIL_CHARACTERS:] or "(empty)"


class ServerStartFailed(Exception):
    def __init__(self, server: TasquesServer, reason: str) -> None:
        super().__init__(
            f"{server.name} on port {server.port} {reason}\n--- stderr ---\n{server.stderr_tail()}"
        )
        self.port_was_taken = "address already in use" in server.stderr_tail().lower()


class StartTasquesServers(Protocol):
    def __call__(
        self, count: int, *, settings: Mapping[str, str] | None = None, serve_options: Sequence[str] = ()
    ) -> list[TasquesServer]:
        """Start ``count`` servers on the pool's SQLite file; ``settings`` are extra TASQUES_* variables,
        ``serve_options`` extra ``tasques serve`` options (``--workers 2``)."""
        ...


@dataclass
class TasquesServerPool:
    directory: Path
    servers: list[TasquesServer] = field(default_factory=list)
    # Names (and log files) stay unique even when a launch is replaced after a port clash.
    launch_numbers: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def database(self) -> Path:
        return self.directory / "tasques.db"

    def start(
        self, count: int, *, settings: Mapping[str, str] | None = None, serve_options: Sequence[str] = ()
    ) -> list[TasquesServer]:
        environment = _server_environment(self.database, settings or {})
        # Launch every process before waiting for any, so their imports overlap and they race to create
        # the schema on the shared file, as replicas started together would.
        launched = [self._launch(environment, serve_options) for _ in range(count)]
        ready: list[TasquesServer] = []
        for server in launched:
            for attempt in range(1, PORT_ATTEMPTS + 1):
                try:
                    _wait_until_ready(server)
                    server.ready = True
                    break
                except ServerStartFailed as failure:
                    if not failure.port_was_taken or attempt == PORT_ATTEMPTS:
                        raise
                    self.servers.remove(server)  # it exited; the next launch replaces it
                    server = self._launch(environment, serve_options)
            ready.append(server)
        return ready

    def _launch(self, environment: Mapping[str, str], serve_options: Sequence[str]) -> TasquesServer:
        name = f"tasques-server-{next(self.launch_numbers)}"
        port = _free_loopback_port()
        stderr_path = self.directory / f"{name}.stderr.log"
        access_log_path = self.directory / f"{name}.stdout.log"
        # The child keeps its own copies of the descriptors; ours are closed as soon as it has started.
        with stderr_path.open("wb") as stderr, access_log_path.open("wb") as stdout:
            process = subprocess.Popen(
                [*_tasques_command(), "serve", "--host", LOOPBACK, "--port", str(port), *serve_options],
                cwd=self.directory,
                env=dict(environment),
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
            )
        server = TasquesServer(name, port, process, stderr_path, access_log_path)
        self.servers.append(server)
        _LIVE_SERVERS.append(server)
        return server

    def stop_all(self) -> None:
        """Stop every server, then fail if one had died during the test or ignored SIGTERM."""
        problems = [problem for server in self.servers if (problem := _stop(server))]
        self.servers.clear()
        if problems:
            pytest.fail("\n\n".join(problems), pytrace=False)


def _tasques_command() -> list[str]:
    """The installed console script, the way an operator starts the server."""
    beside_interpreter = Path(sys.executable).with_name("tasques")
    if beside_interpreter.exists():
        return [str(beside_interpreter)]
    on_path = shutil.which("tasques")
    if on_path is None:
        pytest.fail("the `tasques` console script is not installed: run `make install`")
    return [on_path]


def _server_environment(database: Path, settings: Mapping[str, str]) -> dict[str, str]:
    # Drop the caller's TASQUES_* variables so a developer's shell cannot change what is tested.
    environment = {name: value for name, value in os.environ.items() if not name.startswith("TASQUES_")}
    environment.update(
        {
            "TASQUES_STORAGE__BACKEND": "sqlite",
            "TASQUES_STORAGE__SQLITE__PATH": str(database),
            # Keeps teardown short; every client is closed before servers are stopped.
            "TASQUES_SERVER__SHUTDOWN_TIMEOUT": "3s",
            # Logs reach the files even if the process is killed.
            "PYTHONUNBUFFERED": "1",
            # Plain tracebacks: Typer's boxed ones are hard to read in a captured log.
            "_TYPER_STANDARD_TRACEBACK": "1",
        }
    )
    environment.update(settings)
    return environment


def _free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((LOOPBACK, 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_until_ready(server: TasquesServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    with httpx.Client(base_url=server.base_url, timeout=READINESS_POLL_SECONDS * 20) as client:
        while True:
            try:
                if client.get("/readyz").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise ServerStartFailed(server, f"was not ready within {READY_TIMEOUT_SECONDS:g}s")
            # Waiting on the process, not sleeping: a server that dies during startup is reported at once.
            try:
                exit_code = server.process.wait(timeout=min(READINESS_POLL_SECONDS, remaining))
            except subprocess.TimeoutExpired:
                continue
            _LIVE_SERVERS.remove(server)
            raise ServerStartFailed(server, f"exited with code {exit_code} before it was ready")


def _stop(server: TasquesServer) -> str | None:
    """Stop one server; describe what went wrong, if anything."""
    if server in _LIVE_SERVERS:
        _LIVE_SERVERS.remove(server)
    exit_code = server.process.poll()
    if exit_code is not None:
        if not server.ready:
            return None
        if server.killed:
            return None  # the test killed it
        return f"{server.name} died during the test with exit code {exit_code}\n{server.stderr_tail()}"
    server.process.terminate()  # uvicorn's graceful shutdown
    try:
        server.process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
        return (
            f"{server.name} ignored SIGTERM for {STOP_TIMEOUT_SECONDS:g}s and was killed\n"
            f"{server.stderr_tail()}"
        )
    return None


def _pool_in(directory: Path) -> Iterator[StartTasquesServers]:
    pool = TasquesServerPool(directory)
    try:
        yield pool.start
    finally:
        pool.stop_all()


@pytest.fixture
def start_tasques_servers(tmp_path: Path) -> Iterator[StartTasquesServers]:
    """Per test: servers stop when the test ends."""
    yield from _pool_in(tmp_path)


@pytest.fixture(scope="module")
def start_module_tasques_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartTasquesServers]:
    """Per module: for tests that can share servers (each using its own queues) to save startup time."""
    yield from _pool_in(tmp_path_factory.mktemp("tasques-servers"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport() -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    if report.failed:
        for server in _LIVE_SERVERS:
            report.sections.append(
                (f"{server.name} stderr, last {LOG_TAIL_CHARACTERS} characters", server.stderr_tail())
            )
    return report
