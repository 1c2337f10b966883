"""``make soak``: the soak and fault-injection run, with a summary table; exit status 1 on any problem.

    .venv/bin/python -m tests.soak.run_soak                   # the default: 50k tasks, 4 servers, 50 workers
    .venv/bin/python -m tests.soak.run_soak --tasks 100000    # the full scale (about 8 minutes on 2 cores)
    .venv/bin/python -m tests.soak.run_soak --tasks 2000 --budget 60 --min-kills 5

SQLite by default (one file shared by every server); on the Elasticsearch or OpenSearch cluster named
by ``TASQUES_TEST_ES_URL`` when it is set. Loopback only; bounded by ``--budget`` (the chaos phase) and
``--drain`` (the wait for stragglers after it). Not a pytest module: ``test_soak_short.py`` runs a tiny
budget of the same harness in the acceptance tier.
"""

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path

from tests.soak.chaos import ChaosSettings
from tests.soak.harness import SoakConfig, run_soak
from tests.soak.plan import Timeouts
from tests.soak.report import print_summary


def parse_arguments(argv: list[str]) -> SoakConfig:
    defaults = SoakConfig()
    parser = argparse.ArgumentParser(prog="run_soak", description="The tasques soak and fault-injection run.")
    chaos, timeouts = defaults.chaos, defaults.timeouts
    option = parser.add_argument
    option("--tasks", type=int, default=defaults.tasks, help="scripted tasks to enqueue (%(default)s)")
    option("--servers", type=int, default=defaults.servers, help="server processes (%(default)s)")
    option("--worker-processes", type=int, default=defaults.worker_processes, help="(%(default)s)")
    option("--workers-per-process", type=int, default=defaults.workers_per_process, help="(%(default)s)")
    option("--claim-amount", type=int, default=defaults.claim_amount, help="tasks per claim (%(default)s)")
    option("--budget", type=float, default=defaults.budget_seconds, help="chaos phase seconds (%(default)s)")
    option("--min-kills", type=int, default=defaults.min_kills, help="the chaos goes on until (%(default)s)")
    option(
        "--drain", type=float, default=defaults.drain_seconds, help="give up after this long without progress"
    )
    option(
        "--chaos-interval",
        type=float,
        default=chaos.mean_interval_seconds,
        help="mean seconds between actions",
    )
    option("--freeze", type=float, default=chaos.freeze_seconds, help="seconds a frozen worker sleeps")
    option("--quick-timeout", type=float, default=timeouts.quick, help="most tasks' processing timeout")
    option("--short-timeout", type=float, default=timeouts.short, help="heartbeating/stalling tasks' timeout")
    option("--seed", type=int, default=defaults.seed)
    parser.add_argument(
        "--one-queue-per-claim",
        action="store_true",
        help="each claim names one queue in turn (works around slow multi-queue claims on SQLite)",
    )
    parser.add_argument("--directory", type=Path, default=None, help="keep logs and ledgers here")
    parser.add_argument(
        "--engine",
        action="store_true",
        help="run on a search engine: the cluster of TASQUES_TEST_ES_URL, else an OpenSearch node started "
        "for the run (make soak-engine)",
    )
    parser.add_argument(
        "--server-setting",
        action="append",
        default=[],
        metavar="TASQUES_KEY=VALUE",
        help="an extra server setting (repeatable)",
    )
    arguments = parser.parse_args(argv)
    extra = dict(setting.split("=", 1) for setting in arguments.server_setting)
    return replace(
        defaults,
        tasks=arguments.tasks,
        servers=arguments.servers,
        worker_processes=arguments.worker_processes,
        workers_per_process=arguments.workers_per_process,
        claim_amount=arguments.claim_amount,
        budget_seconds=arguments.budget,
        min_kills=arguments.min_kills,
        drain_seconds=arguments.drain,
        chaos=ChaosSettings(mean_interval_seconds=arguments.chaos_interval, freeze_seconds=arguments.freeze),
        timeouts=Timeouts(quick=arguments.quick_timeout, short=arguments.short_timeout),
        seed=arguments.seed,
        one_queue_per_claim=arguments.one_queue_per_claim,
        directory=arguments.directory,
        extra_server_settings=extra,
        engine=arguments.engine,
    )


def main(argv: list[str] | None = None) -> int:
    config = parse_arguments(sys.argv[1:] if argv is None else argv)
    result = asyncio.run(run_soak(config))
    print_summary(result)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
