"""The soak's summary: one table of figures, then the first problems of each kind, if any."""

from rich.console import Console
from rich.table import Table
from rich.text import Text

from tests.soak.harness import SoakResult

SHOWN_PROBLEMS = 20


def summary_table(result: SoakResult) -> Table:
    verdict, chaos, config = result.verdict, result.chaos, result.config
    ok = "[green]0[/green]"
    table = Table(title=f"tasques soak on {result.backend}: {'PASSED' if result.ok else 'FAILED'}")
    table.add_column("figure")
    table.add_column("value", justify="right")
    rows = [
        ("tasks planned / enqueued", f"{config.tasks:,} / {verdict.planned:,}"),
        (
            "  done / dead / cancelled",
            " / ".join(f"{verdict.states[s]:,}" for s in ("done", "dead", "cancelled")),
        ),
        (
            "servers / worker processes x workers",
            f"{config.servers} / {config.worker_processes} x {config.workers_per_process}",
        ),
        ("claims / handler runs (ledger)", f"{verdict.claims:,} / {verdict.handler_runs:,}"),
        ("queues per claim", "one, in turn" if config.one_queue_per_claim else "all three"),
        ("recurring fires checked", f"{result.fires.checked:,}"),
        ("kills (servers + workers)", f"{chaos.kills} ({chaos.server_kills} + {chaos.worker_kills})"),
        ("  of which the leader", str(chaos.leader_kills)),
        ("worker freezes (SIGSTOP past the timeout)", str(chaos.freezes)),
        ("failovers", str(result.failovers)),
        ("longest leaderless gap", f"{result.longest_leaderless_seconds:.1f}s"),
        ("polls with two leaders", str(result.overlapping_leader_polls)),
        ("rejected stale writes (409)", f"{verdict.rejected_stale_writes:,}"),
        ("refused late writes (400, timed out)", f"{verdict.refused_late_writes:,}"),
        ("writes that landed, answer lost (retry got 400)", f"{verdict.landed_unanswered:,}"),
        ("lost", _count(len(verdict.lost), ok)),
        ("doubled", _count(len(verdict.doubled) + len(result.fires.doubled), ok)),
        ("wrong outcome", _count(len(verdict.wrong_outcome), ok)),
        ("fires skipped / off grid", _count(len(result.fires.skipped) + len(result.fires.off_grid), ok)),
        ("other problems", _count(len(result.problems) - _counted(result), ok)),
        ("phases", ", ".join(f"{name} {seconds:.0f}s" for name, seconds in result.phases.items())),
    ]
    for name, value in rows:
        table.add_row(name, value)
    return table


def _count(number: int, ok: str) -> str:
    return ok if number == 0 else f"[red]{number:,}[/red]"


def _counted(result: SoakResult) -> int:
    verdict, fires = result.verdict, result.fires
    return (
        len(verdict.lost)
        + len(verdict.doubled)
        + len(verdict.wrong_outcome)
        + len(fires.doubled)
        + len(fires.skipped)
        + len(fires.off_grid)
    )


def print_summary(result: SoakResult, console: Console | None = None) -> None:
    console = console or Console()
    console.print(summary_table(result))
    for problem in result.problems[:SHOWN_PROBLEMS]:
        console.print(Text.assemble(("problem: ", "red"), problem))
    if len(result.problems) > SHOWN_PROBLEMS:
        console.print(f"... and {len(result.problems) - SHOWN_PROBLEMS} more")
    console.print(f"run directory (server logs, worker logs, ledgers): {result.directory}")
