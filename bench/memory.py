"""``make bench-memory`` / ``python -m bench.memory [--minutes 10]``: is a server's memory flat under load?

One SQLite server runs the end-to-end batch and single workloads (the bench's own, default sizes) round
after round until the time is up; its resident memory (VmRSS) is read after every round. Prints the
samples and the growth from the first loaded round to the last (the archiver keeps finished tasks in
the table for its default 24 hours, so the database grows all along; memory should not).
"""

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from bench.backends import SqliteBackend
from bench.load import run_load
from bench.processes import start_servers
from bench.scenarios import workload
from bench.sizes import DEFAULT


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.memory", description=__doc__)
    parser.add_argument("--minutes", type=float, default=10.0, help="how long to keep the load on")
    arguments = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="tasques-bench-memory-"))
    backend = SqliteBackend(workdir)
    backend.prepare()
    (server,) = start_servers(["server-1"], env=backend.server_env(), log_dir=workdir)
    try:
        server.sample_rss("started")
        started = time.monotonic()
        rounds = 0
        while time.monotonic() - started < arguments.minutes * 60:
            rounds += 1
            for kind in ("batch", "single"):
                load = workload(
                    kind, DEFAULT, queue=f"memory-{kind}-{rounds}", urls=(server.url,), tasks=DEFAULT.tasks
                )
                run_load(load)
            minutes = (time.monotonic() - started) / 60
            server.sample_rss(f"{minutes:.1f} min")
            print(
                f"  round {rounds}: {minutes:.1f} min, {server.rss_by_phase[-1][1] / 1e6:.0f} MB", flush=True
            )
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
    samples = server.rss_by_phase
    first_loaded, last = samples[1][1], samples[-1][1]
    print(
        f"\nserver RSS over {arguments.minutes:g} minutes of load ({rounds} rounds of {DEFAULT.tasks:,} batch + "
        f"{DEFAULT.tasks:,} single tasks): "
        + ", ".join(f"{phase} {rss / 1e6:.0f} MB" for phase, rss in samples)
    )
    print(
        f"growth from the first loaded round to the last: {(last - first_loaded) / 1e6:+.1f} MB; "
        f"peak {max(rss for _, rss in samples) / 1e6:.0f} MB"
    )


if __name__ == "__main__":
    main()
