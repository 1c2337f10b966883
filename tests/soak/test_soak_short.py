"""The soak harness (``make soak``) on a tiny budget, so CI exercises it on every run.

Two real servers on one SQLite file, two worker processes of four workers, 400 scripted tasks and the
every-second schedule; the chaos loop SIGKILLs the leader (every server kill here aims at it, and one
server always stays up) and a worker process, and freezes one: four chaos actions, at least two of them
kills. The verdict is the full soak's: every task ended as its script meant, none was lost or finished
twice, no fire was skipped or doubled.
"""

from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from rich.console import Console

from tests.soak.chaos import ChaosSettings
from tests.soak.harness import SoakConfig, run_soak
from tests.soak.plan import Timeouts, plan_tasks
from tests.soak.report import print_summary

pytestmark = pytest.mark.acceptance

SHORT_SOAK = SoakConfig(
    tasks=400,
    servers=2,
    worker_processes=2,
    workers_per_process=4,
    claim_amount=10,
    budget_seconds=60.0,
    min_kills=2,
    drain_seconds=60.0,
    # Shorter timeouts than the full soak's, so a killed or frozen worker's tasks come back within seconds.
    chaos=ChaosSettings(
        mean_interval_seconds=2.5,
        leader_share=1.0,
        min_live_servers=1,
        freeze_share=0.2,
        freeze_seconds=10.0,
        max_actions=4,
    ),
    timeouts=Timeouts(quick=8.0, short=3.0),
    seed=7,
)


async def test_a_short_soak_with_kills_loses_nothing_and_finishes_nothing_twice(tmp_path: Path) -> None:
    config = replace(SHORT_SOAK, directory=tmp_path)
    result = await run_soak(config)
    print_summary(result, Console(width=120))  # shown with -s

    assert result.problems == []
    plan = plan_tasks(config.tasks, seed=config.seed, timeouts=config.timeouts)
    scripted = Counter(planned.script.expected.value for planned in plan)
    assert result.verdict.states == scripted
    assert result.chaos.kills >= config.min_kills, result.chaos.timeline
    assert result.fires.checked > 0
