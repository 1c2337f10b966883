"""Child processes the soak starts, SIGKILLs, freezes and restarts.

Every child asks the kernel to SIGKILL it when the harness dies (``PR_SET_PDEATHSIG``), so an
interrupted or crashed soak leaves no server or worker behind on a shared machine. Each incarnation
appends to the slot's one log file under a header line, so a restarted process's log follows its
predecessor's.
"""

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PR_SET_PDEATHSIG = 1
STOP_TIMEOUT_SECONDS = 20.0


def _die_with_parent() -> None:
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


def python_module_command(module: str, *arguments: str) -> list[str]:
    return [sys.executable, "-m", module, *arguments]


@dataclass(eq=False)
class ChildProcess:
    name: str
    directory: Path
    environment: Mapping[str, str]
    process: "subprocess.Popen[bytes] | None" = None
    incarnation: int = 0
    frozen: bool = False
    # Set by kill and terminate: an exit the harness caused is not a crash.
    stopped_on_purpose: bool = False
    launched_at: float = field(default=0.0)

    @property
    def log_path(self) -> Path:
        return self.directory / f"{self.name}.log"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    @property
    def crashed(self) -> bool:
        return self.process is not None and self.process.poll() is not None and not self.stopped_on_purpose

    def launch(self, command: Sequence[str]) -> None:
        self.incarnation += 1
        self.frozen = self.stopped_on_purpose = False
        with self.log_path.open("ab") as log:
            log.write(f"\n=== {self.name} incarnation {self.incarnation}: {' '.join(command)}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                list(command),
                cwd=self.directory,
                env=dict(self.environment),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_parent,
            )
        self.launched_at = time.monotonic()

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a lost machine would; returns once the process is gone."""
        self.stopped_on_purpose = True
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=STOP_TIMEOUT_SECONDS)
        self.frozen = False

    def freeze(self) -> None:
        """SIGSTOP: the process holds its claims but says nothing, like a long GC pause or a VM stall."""
        if self.alive and self.process is not None:
            self.process.send_signal(signal.SIGSTOP)
            self.frozen = True

    def thaw(self) -> None:
        if self.frozen and self.alive and self.process is not None:
            self.process.send_signal(signal.SIGCONT)
        self.frozen = False

    def request_stop(self) -> None:
        """SIGTERM (after SIGCONT, should it be frozen): a graceful stop."""
        self.stopped_on_purpose = True
        if self.alive and self.process is not None:
            self.thaw()
            self.process.send_signal(signal.SIGTERM)

    def wait_or_kill(self, deadline: float) -> bool:
        """Wait for the exit until ``deadline`` (monotonic), then SIGKILL. True when it exited by itself."""
        if self.process is None or self.process.poll() is not None:
            return True
        try:
            self.process.wait(timeout=max(deadline - time.monotonic(), 0.0))
        except subprocess.TimeoutExpired:
            self.kill()
            return False
        return True

    def log_tail(self, characters: int = 3_000) -> str:
        with contextlib.suppress(OSError):
            return self.log_path.read_text(errors="replace")[-characters:]
        return ""


def terminate_all(children: Sequence[ChildProcess], timeout: float = STOP_TIMEOUT_SECONDS) -> list[str]:
    """SIGTERM every child at once, then wait; the names of those that had to be SIGKILLed."""
    for child in children:
        child.request_stop()
    deadline = time.monotonic() + timeout
    return [child.name for child in children if not child.wait_or_kill(deadline)]


def environment_without_tasques(extra: Mapping[str, str]) -> dict[str, str]:
    """The harness's environment minus any TASQUES_* the caller's shell set, plus ``extra``."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("TASQUES_")}
    environment.update({"PYTHONUNBUFFERED": "1", "_TYPER_STANDARD_TRACEBACK": "1"})
    environment.update(extra)
    return environment
