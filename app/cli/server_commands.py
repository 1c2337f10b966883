"""``tasques serve | setup | openapi``: run the server, prepare its store (and Kibana), print the API."""

import asyncio
import logging
import logging.config
import math
import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

from app.cli.guarded_http import ConnectionLimits, GuardedConfig
from app.cli.http_server import ClaimStoppingServer
from app.cli.kibana_import import KibanaImportFailed, import_saved_objects
from app.cli.kibana_objects import render_ndjson
from app.config import CONFIG_PATH_VARIABLE, Settings, load_settings
from app.domain.errors import TasquesError
from app.garbage_collection import apply_gc_threshold
from app.observability.logs import logging_config

_console = Console(stderr=True)

ConfigOption = Annotated[
    Path | None, typer.Option("--config", "-c", help="YAML config file (else $TASQUES_CONFIG)", exists=True)
]
KibanaUrlOption = Annotated[
    str | None,
    typer.Option("--kibana", envvar="TASQUES_KIBANA_URL", help="Also import the dashboards into this Kibana"),
]
KibanaUserOption = Annotated[
    str | None, typer.Option("--kibana-user", envvar="TASQUES_KIBANA_USER", help="Basic auth user")
]
KibanaPasswordOption = Annotated[
    str | None,
    typer.Option("--kibana-password", envvar="TASQUES_KIBANA_PASSWORD", help="Basic auth password"),
]


def serve(
    config: ConfigOption = None,
    host: Annotated[str | None, typer.Option(help="Bind address (default: server.host)")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: server.port)")] = None,
    workers: Annotated[int, typer.Option(min=1, help="uvicorn worker processes")] = 1,
) -> None:
    """Run the HTTP server."""
    if config is not None:
        # Worker processes rebuild settings from the environment, so the path travels through it.
        os.environ[CONFIG_PATH_VARIABLE] = str(config.resolve())
    settings = load_settings()
    log_config = logging_config(settings.observability)
    logging.config.dictConfig(log_config)
    options = uvicorn_options(settings, host=host, port=port, log_config=log_config)
    if workers > 1:
        _run_worker_processes(workers, options)
        return
    from app.components import build_app, build_components

    apply_gc_threshold(settings.server.gc_threshold)
    components = build_components(settings)
    server = ClaimStoppingServer(
        GuardedConfig(build_app(components), **options), shutdown_began=components.begin_shutdown
    )
    server.run()
    if not server.started:
        raise typer.Exit(code=STARTUP_FAILURE)


def uvicorn_options(
    settings: Settings, *, host: str | None, port: int | None, log_config: dict[str, Any]
) -> dict[str, Any]:
    return {
        "host": host or settings.server.host,
        "port": settings.server.port if port is None else port,
        # uvicorn takes whole seconds: round up, so "500ms" still drains instead of cancelling at once.
        "timeout_graceful_shutdown": math.ceil(settings.server.shutdown_timeout.total_seconds()),
        "log_config": log_config,
        "timeout_keep_alive": math.ceil(settings.server.keep_alive_timeout.total_seconds()),
        "connection_limits": ConnectionLimits(
            header_timeout_seconds=settings.server.header_timeout.total_seconds(),
            max_header_bytes=settings.server.max_header_bytes,
            max_connections=settings.server.max_connections,
        ),
    }


def _run_worker_processes(workers: int, options: dict[str, Any]) -> None:
    """What ``uvicorn.run(..., workers=N)`` does, with a ``GuardedConfig`` (which it cannot be given)."""
    config = GuardedConfig(
        "app.components:create_app_from_environment", factory=True, workers=workers, **options
    )
    Multiprocess(config, sockets=[config.bind_socket()]).run()


def setup(
    config: ConfigOption = None,
    kibana: KibanaUrlOption = None,
    kibana_user: KibanaUserOption = None,
    kibana_password: KibanaPasswordOption = None,
) -> None:
    """Create the store's schema, templates or indices (safe to run again); with --kibana, import the
    data views and dashboard for the configured index prefix too."""
    from app.components import build_store

    settings = load_settings(config)
    store = build_store(settings)

    async def run() -> None:
        try:
            await store.setup()
            await store.verify_setup()
        finally:
            await store.close()

    try:
        asyncio.run(run())
    except TasquesError as error:
        _console.print(f"[red]setup failed:[/red] {error.message}")
        raise typer.Exit(code=1) from error
    _console.print(f"[green]setup complete[/green] on the {settings.storage.backend} backend")
    if kibana is not None:
        prefix = settings.storage.search_engine.index_prefix
        if not settings.storage.uses_search_engine:
            _console.print(
                "[yellow]note:[/yellow] the sqlite backend writes no indices; the dashboards stay empty"
            )
        _import_into_kibana(kibana, prefix=prefix, username=kibana_user, password=kibana_password)


def _import_into_kibana(url: str, *, prefix: str, username: str | None, password: str | None) -> None:
    try:
        imported = import_saved_objects(url, render_ndjson(prefix), username=username, password=password)
    except KibanaImportFailed as error:
        _console.print(f"[red]Kibana import failed:[/red] {error.message}")
        raise typer.Exit(code=1) from error
    _console.print(f"[green]imported {imported} saved objects[/green] into Kibana for index prefix {prefix}")


def openapi() -> None:
    """Print the OpenAPI document (``make openapi`` commits it to openapi/openapi.json)."""
    import json

    from app.components import build_app, build_components
    from app.config import Settings

    document = build_app(build_components(Settings())).openapi()
    typer.echo(json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False))
