"""The server process collects garbage per ``server.gc_threshold``, on both ways a process starts serving."""

import gc
import logging.config
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cli.http_server import ClaimStoppingServer
from app.cli.server_commands import serve
from app.components import create_app_from_environment

CONFIGURED = (12_345, 6, 7)


@pytest.fixture(autouse=True)
def configured_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    before = gc.get_threshold()
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TASQUES_CONFIG", raising=False)
    monkeypatch.setenv("TASQUES_SERVER__GC_THRESHOLD", "[12345, 6, 7]")
    monkeypatch.setenv("TASQUES_STORAGE__SQLITE__PATH", str(tmp_path / "tasques.db"))
    yield
    gc.set_threshold(*before)


def test_serve_sets_the_threshold_before_it_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    seen_while_serving: list[tuple[int, int, int]] = []

    def serving(server: ClaimStoppingServer) -> None:
        seen_while_serving.append(gc.get_threshold())
        server.started = True

    monkeypatch.setattr(ClaimStoppingServer, "run", serving)
    # serve configures the process's logging; the test process keeps its own.
    monkeypatch.setattr(logging.config, "dictConfig", lambda config: None)
    assert gc.get_threshold() != CONFIGURED

    serve()

    assert seen_while_serving == [CONFIGURED]


def test_the_worker_processes_app_factory_sets_it_too() -> None:
    assert gc.get_threshold() != CONFIGURED

    create_app_from_environment()

    assert gc.get_threshold() == CONFIGURED


def test_a_negative_threshold_is_refused_at_start(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASQUES_SERVER__GC_THRESHOLD", "[-1, 10, 10]")

    with pytest.raises(ValueError, match="gc_threshold"):
        create_app_from_environment()
    assert gc.get_threshold() != CONFIGURED
