"""``make bench`` / ``python -m bench [--quick] [--write-md] [--profile]``.

SQLite (unless ``--engine-only``); then the search engine: the cluster at ``TASQUES_BENCH_ES_URL``
(Elasticsearch or OpenSearch, whichever answers; credentials may ride in the URL), or else one OpenSearch
node the bench starts from Maven Central jars and stops at the end (``--no-engine`` skips the table).
Servers, stores and clients all run on this machine, so every comparison is between figures of one run.
"""

import argparse
import os
import shlex
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench.backends import Backend, SqliteBackend
from bench.engine_table import search_engine_report
from bench.report import BackendReport, profile_markdown, results_markdown, table, write_markdown
from bench.scenarios import SQLITE_TARGETS, Targets, run_backend
from bench.sizes import DEFAULT, QUICK

ES_URL_VARIABLE = "TASQUES_BENCH_ES_URL"


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick", action="store_true", help="small sizes for a smoke run (under 3 minutes with the engine)"
    )
    parser.add_argument(
        "--write-md",
        nargs="?",
        const="BENCHMARKS.md",
        metavar="PATH",
        help="refresh the results (and profile) sections of BENCHMARKS.md or PATH",
    )
    parser.add_argument(
        "--profile", action="store_true", help="also sample server 1 with py-spy under the batch load"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the scratch folder (logs, databases, profiles)"
    )
    parser.add_argument(
        "--no-engine", action="store_true", help="SQLite only: no search-engine table (and no node started)"
    )
    parser.add_argument(
        "--engine-only", action="store_true", help="the search-engine table only: no SQLite table"
    )
    parser.add_argument("--tasks", type=int, help="end-to-end tasks per run")
    parser.add_argument("--conflict-tasks", type=int, help="tasks of the four-server (409) run")
    parser.add_argument("--workers", type=int, help="concurrent HTTP workers")
    parser.add_argument("--claim-amount", type=int, help="tasks per claim (and per batch finish)")
    parser.add_argument("--client-processes", type=int, help="load-generating processes")
    return parser.parse_args(argv)


def _backends(workdir: Path, *, engine_only: bool) -> list[tuple[Backend, Targets]]:
    return [] if engine_only else [(SqliteBackend(workdir), SQLITE_TARGETS)]


def main(argv: list[str] | None = None) -> None:
    arguments = _arguments(argv)
    sizes = (QUICK if arguments.quick else DEFAULT).with_overrides(
        tasks=arguments.tasks,
        conflict_tasks=arguments.conflict_tasks,
        workers=arguments.workers,
        claim_amount=arguments.claim_amount,
        client_processes=arguments.client_processes,
    )
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    workdir = Path(tempfile.mkdtemp(prefix="tasques-bench-"))
    started = time.monotonic()
    reports: list[BackendReport] = []
    try:
        for backend, targets in _backends(workdir, engine_only=arguments.engine_only):
            reports.append(
                run_backend(backend, sizes, workdir=workdir, targets=targets, profile=arguments.profile)
            )
        if not arguments.no_engine:
            url = os.environ.get(ES_URL_VARIABLE) or None
            reports.append(search_engine_report(url, sizes, workdir=workdir))
    finally:
        if arguments.keep:
            print(f"\nscratch folder kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.monotonic() - started
    extra = [f"- Sizes: {'--quick' if arguments.quick else 'default'}; the whole run took {elapsed:.0f} s"]
    print()
    for report in reports:
        print(table(report), end="\n\n")
        if report.profile:
            print("\n".join(report.profile), end="\n\n")
    if arguments.write_md:
        results = results_markdown(reports, command=command, extra=extra)
        profile = profile_markdown(reports) if arguments.profile else None
        write_markdown(Path(arguments.write_md), results=results, profile=profile)
        print(f"wrote {arguments.write_md}")
