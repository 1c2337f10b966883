"""``tasques archive run``: the archiver's passes, now, from the command line.

The leader runs the archiver every ``maintenance.archiver.interval``; an operator catching up after a
long outage, or draining finished tasks before a migration, runs the same passes here until one finds
nothing left to do (each pass moves and prunes at most ``batch_size`` of each). It is safe next to
running servers: every move is the same compare-and-swap the leader's archiver makes.
"""

import asyncio
from dataclasses import dataclass
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from app.cli.server_commands import ConfigOption
from app.clock import SystemClock
from app.config import Settings, load_settings
from app.domain.errors import TasquesError
from app.maintenance.archiver import Archiver

archive_app = typer.Typer(name="archive", help="Archive finished tasks now.", no_args_is_help=True)


@dataclass
class ArchiveRun:
    batches: int = 0
    work_done: int = 0
    last_summary: str = "nothing to do"


@archive_app.command("run")
def run_archive(
    config: ConfigOption = None,
    max_batches: Annotated[int | None, typer.Option(min=1, help="Stop after this many passes")] = None,
) -> None:
    """Run archiver passes against the configured store until one finds nothing to do."""
    console = Console(stderr=True, highlight=False)
    settings = load_settings(config)
    try:
        outcome = asyncio.run(_run(settings, console=console, max_batches=max_batches))
    except TasquesError as error:
        console.print(f"[red]archive run failed:[/red] {error.message}")
        raise typer.Exit(code=1) from error
    console.print(
        f"[green]archive run complete[/green]: {outcome.batches} pass{'' if outcome.batches == 1 else 'es'}, "
        f"{outcome.work_done} tasks and records moved or pruned"
    )


async def _run(settings: Settings, *, console: Console, max_batches: int | None) -> ArchiveRun:
    from app.components import build_store

    store = build_store(settings)
    es = settings.storage.search_engine
    archiver = Archiver(
        store,
        settings=settings.maintenance.archiver,
        clock=SystemClock(),
        store_keeps_retention=settings.storage.uses_search_engine and es.ilm_enabled,
    )
    outcome = ArchiveRun()
    columns = (
        SpinnerColumn(),
        TextColumn("archiving: {task.completed} passes, {task.description}"),
        TimeElapsedColumn(),
    )
    try:
        await store.verify_setup()
        with Progress(*columns, console=console) as progress:
            bar = progress.add_task("starting", total=None)
            while max_batches is None or outcome.batches < max_batches:
                result = await archiver.run_once()
                outcome.batches += 1
                outcome.work_done += result.work_done
                outcome.last_summary = result.summary
                progress.update(bar, advance=1, description=result.summary)
                if result.work_done == 0:
                    break
    finally:
        await store.close()
    return outcome
