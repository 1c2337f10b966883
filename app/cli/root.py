"""The ``tasques`` Typer application: the top-level commands and the command groups."""

import typer

from app.cli.admin_commands import admin_app
from app.cli.archive_commands import archive_app
from app.cli.kibana_commands import kibana_app
from app.cli.recurring_commands import recurring_app
from app.cli.server_commands import openapi, serve, setup
from app.cli.task_commands import tasks_app

cli = typer.Typer(name="tasques", help="A horizontally scaled HTTP task server.", no_args_is_help=True)
cli.command()(serve)
cli.command()(setup)
cli.command()(openapi)
cli.add_typer(tasks_app)
cli.add_typer(recurring_app)
cli.add_typer(admin_app)
cli.add_typer(archive_app)
cli.add_typer(kibana_app)


def main() -> None:
    cli()
