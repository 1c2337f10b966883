"""Server processes under test, and what /proc tells about them (CPU time, peak RSS).

Each server is a ``tasques serve`` child on a free loopback port with its log in the run's scratch folder;
the environment passes through, so ``TASQUES_*`` settings a user exported reach the servers too.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_READY_TIMEOUT_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def tasques_command() -> list[str]:
    """The ``tasques`` script of the interpreter running the bench, so a venv's install is the one used."""
    script = Path(sys.executable).parent / "tasques"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from app.cli import main; main()"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of every thread of ``pid`` so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _status_bytes(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    raise RuntimeError(f"no {field} for process {pid}")


def peak_rss_bytes(pid: int) -> int:
    """The process's high-water mark of resident memory (VmHWM)."""
    return _status_bytes(pid, "VmHWM")


@dataclass
class ServerProcess:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    peak_rss: int = 0
    rss_by_phase: list[tuple[str, int]] = field(default_factory=list)
    """Resident memory (VmRSS) after each phase of the run: flat, or growing?"""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def sample_peak_rss(self) -> int:
        if self.process.poll() is None:
            self.peak_rss = max(self.peak_rss, peak_rss_bytes(self.pid))
        return self.peak_rss

    def sample_rss(self, phase: str) -> None:
        if self.process.poll() is None:
            self.rss_by_phase.append((phase, _status_bytes(self.pid, "VmRSS")))

    def counter(self, name: str) -> float:
        """A Prometheus counter's value from ``/metrics`` (0 when the server has not exported it yet)."""
        text = httpx.get(f"{self.url}/metrics", timeout=30).raise_for_status().text
        for line in text.splitlines():
            if line.startswith(f"{name} "):
                return float(line.split()[1])
        return 0.0

    def stop(self) -> None:
        self.sample_peak_rss()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_server(name: str, *, env: Mapping[str, str], log_dir: Path) -> ServerProcess:
    port = free_port()
    log_path = log_dir / f"{name}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*tasques_command(), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    return ServerProcess(name=name, port=port, process=process, log_path=log_path)


def wait_until_ready(servers: list[ServerProcess]) -> None:
    deadline = time.monotonic() + _READY_TIMEOUT_SECONDS
    for server in servers:
        while True:
            if server.process.poll() is not None:
                raise RuntimeError(f"server {server.name} exited; see {server.log_path}")
            try:
                if httpx.get(f"{server.url}/readyz", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server {server.name} not ready after {_READY_TIMEOUT_SECONDS}s")
            time.sleep(0.1)


def start_servers(names: list[str], *, env: Mapping[str, str], log_dir: Path) -> list[ServerProcess]:
    servers = [start_server(name, env=env, log_dir=log_dir) for name in names]
    try:
        wait_until_ready(servers)
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


def run_cli(arguments: list[str], *, env: Mapping[str, str]) -> None:
    """``tasques <arguments>`` to completion (``setup``), failing loudly with its output."""
    completed = subprocess.run(
        [*tasques_command(), *arguments], env={**os.environ, **env}, capture_output=True, check=False
    )
    if completed.returncode != 0:
        output = (completed.stdout + completed.stderr).decode(errors="replace")
        raise RuntimeError(f"tasques {' '.join(arguments)} failed:\n{output}")
