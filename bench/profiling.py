"""Sampling a server with py-spy while a workload runs, and summarising the samples.

py-spy attaches from outside (no change to the server) and writes collapsed stacks: one line per
distinct stack, ``frame;frame;...;leaf count``, each frame ``function (path:line)``. The summary groups
samples three ways: by the leaf frame's package (where CPU goes), by leaf function (self time) and by
every function on the stack (inclusive time, each counted once per sample).

py-spy records threads that are blocked too (its idle detection misses a thread waiting inside C: the
writer thread's queue, uvloop's poll). Samples whose leaf is such a wait are counted apart and the shares
are of the rest, so they say where the server's CPU goes rather than where its threads sleep.
"""

import re
import shutil
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# Leaves where a thread waits rather than works: a pool thread blocked on its queue, a condition wait, a
# selector poll, and uvloop's loop, which runs in C below the Python frame that started it.
_WAITING_LEAVES = frozenset(
    {
        ("_worker", "concurrent/futures/thread.py"),
        ("Condition.wait", "threading.py"),
        ("EpollSelector.select", "selectors.py"),
        ("Runner.run", "asyncio/runners.py"),
    }
)
_FRAME = re.compile(r"^(?P<function>.*) \((?P<path>.*?)(?::(?P<line>\d+))?\)$")


def py_spy_path() -> str | None:
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


class Sampler:
    """``py-spy record`` on one process until ``stop``; the raw stacks land in ``output``."""

    def __init__(self, pid: int, output: Path, *, rate: int = 250) -> None:
        executable = py_spy_path()
        if executable is None:
            raise RuntimeError("py-spy is not installed (run `make install`)")
        self.output = output
        self._log = output.with_suffix(".log").open("wb")
        self._process = subprocess.Popen(
            [
                *(executable, "record", "--pid", str(pid), "--rate", str(rate), "--format", "raw"),
                *("--output", str(output), "--nonblocking"),
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def stop(self) -> None:
        self._process.send_signal(signal.SIGINT)  # py-spy writes its output on interrupt
        self._process.wait(timeout=60)
        self._log.close()


@dataclass(frozen=True)
class Frame:
    function: str
    where: str

    def __str__(self) -> str:
        return f"{self.function} ({self.where})"


def _short_path(path: str) -> str:
    """py-spy already writes paths relative to ``sys.path``; shorten any absolute one the same way."""
    for marker in ("site-packages/", "python3.11/"):
        if marker in path:
            return path.split(marker, 1)[1]
    return path


def parse_frame(text: str) -> Frame:
    match = _FRAME.match(text)
    if match is None:
        return Frame(function=text, where="?")
    return Frame(function=match["function"], where=_short_path(match["path"]))


def package_of(frame: Frame) -> str:
    """Where a leaf frame's CPU goes: a top-level package or module, or a package of ours."""
    parts = frame.where.removesuffix(".py").split("/")
    if parts[0] == "app":
        return ".".join(parts[:3])
    return parts[0]


@dataclass
class ProfileSummary:
    samples: int
    """Samples of threads at work; the shares below are of these."""
    waiting: int
    """Samples of threads blocked in a wait (see ``_WAITING_LEAVES``), left out of the shares."""
    by_package: list[tuple[str, int]]
    self_time: list[tuple[Frame, int]]
    inclusive: list[tuple[Frame, int]]

    def lines(self, *, top: int = 15) -> list[str]:
        def share(count: int) -> str:
            return f"{100 * count / max(self.samples, 1):5.1f}%"

        waiting = 100 * self.waiting / max(self.samples + self.waiting, 1)
        out = [
            f"{self.samples} samples at work, shares of these ({self.waiting} more, {waiting:.0f}%, were "
            "threads waiting: pool queue, condition, poll, uvloop)",
            "",
            "self time by package (leaf frame):",
        ]
        out += [f"  {share(count)}  {name}" for name, count in self.by_package[:top]]
        out += ["", "self time by function (leaf frame):"]
        out += [f"  {share(count)}  {frame}" for frame, count in self.self_time[:top]]
        out += ["", "inclusive time of our functions (anywhere on the stack):"]
        out += [f"  {share(count)}  {frame}" for frame, count in self.inclusive[:top]]
        return out


def summarise(raw: Path) -> ProfileSummary:
    packages: Counter[str] = Counter()
    leaves: Counter[Frame] = Counter()
    inclusive: Counter[Frame] = Counter()
    total = 0
    waiting = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [parse_frame(part) for part in stack.split(";")]
        # py-spy puts "process"/"thread" pseudo-frames first when asked; keep real frames only.
        frames = [frame for frame in frames if frame.where != "?"] or frames
        if (frames[-1].function, frames[-1].where) in _WAITING_LEAVES:
            waiting += count
            continue
        total += count
        leaves[frames[-1]] += count
        packages[package_of(frames[-1])] += count
        for frame in set(frames):
            inclusive[frame] += count
    ours = [(frame, count) for frame, count in inclusive.most_common() if frame.where.startswith("app/")]
    return ProfileSummary(
        samples=total,
        waiting=waiting,
        by_package=packages.most_common(),
        self_time=leaves.most_common(),
        inclusive=[(frame, count) for frame, count in ours if frame.function != "serve"],
    )
