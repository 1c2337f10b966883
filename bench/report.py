"""The printed tables and BENCHMARKS.md: machine, versions, command, one table per backend.

``--write-md`` replaces only the part of BENCHMARKS.md between the ``bench:begin``/``bench:end`` markers
(and the profile between ``profile:begin``/``profile:end``), so the hand-written analysis around them
survives a refresh.
"""

import os
import platform
import sqlite3
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

_PACKAGES = (
    "fastapi",
    "starlette",
    "uvicorn",
    "pydantic",
    "httpx",
    "elasticsearch",
    "opensearch-py",
    "orjson",
)
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PROFILE_BEGIN, PROFILE_END = "<!-- profile:begin -->", "<!-- profile:end -->"


@dataclass(frozen=True, kw_only=True)
class Row:
    measurement: str
    result: str
    server_cpu: str = ""
    client_cpu: str = ""
    target: str = ""
    met: bool | None = None

    def cells(self) -> list[str]:
        verdict = "" if self.met is None else ("met" if self.met else "NOT met")
        return [self.measurement, self.result, self.server_cpu, self.client_cpu, self.target, verdict]


@dataclass
class BackendReport:
    title: str
    rows: list[Row] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    profile: list[str] = field(default_factory=list)

    def add(self, row: Row) -> None:
        self.rows.append(row)
        print(f"  {row.measurement}: {row.result}", flush=True)


def table(report: BackendReport) -> str:
    header = ["measurement", "result", "server CPU", "client CPU", "target", ""]
    lines = [f"### {report.title}", "", _line(header), _line(["---"] * len(header))]
    lines += [_line(row.cells()) for row in report.rows]
    if report.notes:
        lines += ["", *(f"- {note}" for note in report.notes)]
    return "\n".join(lines)


def _line(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _cpu_model() -> str:
    models = [
        line.split(":", 1)[1].strip()
        for line in Path("/proc/cpuinfo").read_text().splitlines()
        if line.startswith("model name")
    ]
    return f"{len(models)} x {models[0]}" if models else platform.processor()


def _memory() -> str:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return "?"


def _commit() -> str:
    """The checked-out commit; ``TASQUES_BENCH_COMMIT`` names it for a run from an exported tree."""
    if named := os.environ.get("TASQUES_BENCH_COMMIT"):
        return named
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "app"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{commit} (app/ modified)" if dirty else commit


def environment(extra: list[str]) -> list[str]:
    versions = ", ".join(f"{name} {_version(name)}" for name in _PACKAGES)
    return [
        f"- Machine: {_cpu_model()}, {_memory()} RAM, {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}; {versions}",
        f"- Commit: {_commit()}; load average at the end {_load_average()} (a shared machine: compare ratios)",
        *extra,
    ]


def _load_average() -> str:
    return " ".join(f"{value:.1f}" for value in os.getloadavg())


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "absent"


def results_markdown(reports: list[BackendReport], *, command: str, extra: list[str]) -> str:
    parts = [*environment(extra), f"- Command: `{command}`", ""]
    for report in reports:
        parts += [table(report), ""]
    return "\n".join(parts).rstrip() + "\n"


def profile_markdown(reports: list[BackendReport]) -> str:
    parts = []
    for report in reports:
        if report.profile:
            parts += [f"#### {report.title}", "", "```text", *report.profile, "```", ""]
    return "\n".join(parts).rstrip() + "\n"


_SKELETON = f"""# Benchmarks

Produced by `make bench` (`python -m bench --write-md`); everything between the markers is rewritten
by each run, the rest is written by hand.

## Results

{BEGIN}
{END}

## Profile of the end-to-end fast path

{PROFILE_BEGIN}
{PROFILE_END}
"""


def _replace_between(text: str, begin: str, end: str, content: str) -> str:
    head, _, rest = text.partition(begin)
    _, _, tail = rest.partition(end)
    return f"{head}{begin}\n{content}{end}{tail}"


def write_markdown(path: Path, *, results: str, profile: str | None) -> None:
    text = path.read_text() if path.exists() else _SKELETON
    for marker in (BEGIN, END, PROFILE_BEGIN, PROFILE_END):
        if marker not in text:
            raise RuntimeError(f"{path} lacks the marker {marker}; add it where the results belong")
    text = _replace_between(text, BEGIN, END, results)
    if profile is not None:
        text = _replace_between(text, PROFILE_BEGIN, PROFILE_END, profile)
    path.write_text(text)


def cpu_share(seconds: float, wall: float) -> str:
    """CPU time as a share of one core over the wall-clock time (above 100% means several threads)."""
    return f"{100 * seconds / wall:.0f}%"
