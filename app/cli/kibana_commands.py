"""``tasques kibana export | import``: the saved objects without touching the store."""

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from app.cli.kibana_import import KibanaImportFailed, import_saved_objects
from app.cli.kibana_objects import render_ndjson
from app.cli.server_commands import ConfigOption, KibanaPasswordOption, KibanaUserOption
from app.config import load_settings

kibana_app = typer.Typer(name="kibana", help="Kibana data views and dashboard.", no_args_is_help=True)

PrefixOption = Annotated[
    str | None, typer.Option(help="Index prefix (default: storage.elasticsearch.index_prefix)")
]


@kibana_app.command()
def export(prefix: PrefixOption = None, config: ConfigOption = None) -> None:
    """Print the saved objects as ndjson (for Kibana's Saved Objects > Import)."""
    typer.echo(render_ndjson(_prefix(prefix, config)), nl=False)


@kibana_app.command("import")
def import_objects(
    kibana: Annotated[str, typer.Option("--kibana", envvar="TASQUES_KIBANA_URL", help="Kibana base URL")],
    prefix: PrefixOption = None,
    config: ConfigOption = None,
    kibana_user: KibanaUserOption = None,
    kibana_password: KibanaPasswordOption = None,
) -> None:
    """Import (overwriting) the saved objects into Kibana."""
    console = Console(stderr=True)
    index_prefix = _prefix(prefix, config)
    try:
        count = import_saved_objects(
            kibana, render_ndjson(index_prefix), username=kibana_user, password=kibana_password
        )
    except KibanaImportFailed as error:
        console.print(f"[red]Kibana import failed:[/red] {error.message}")
        raise typer.Exit(code=1) from error
    console.print(f"[green]imported {count} saved objects[/green] for index prefix {index_prefix}")


def _prefix(prefix: str | None, config: Path | None) -> str:
    return prefix if prefix is not None else load_settings(config).storage.search_engine.index_prefix
