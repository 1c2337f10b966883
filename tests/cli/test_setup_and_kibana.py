"""``tasques setup [--kibana]``, ``tasques kibana export|import`` and ``tasques openapi``."""

import base64
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.cli.kibana_objects import render_ndjson

from .kibana_stub import kibana_stub


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "200", "TASQUES_CONFIG": None, "TASQUES_KIBANA_PASSWORD": None})


@pytest.fixture
def sqlite_config(tmp_path: Path) -> Path:
    config = tmp_path / "tasques.yaml"
    config.write_text(
        f"storage:\n  backend: sqlite\n  sqlite:\n    path: {tmp_path / 'tasques.db'}\n"
        "  elasticsearch:\n    index_prefix: acme_\n"
    )
    return config


def test_setup_alone_prepares_the_store(runner: CliRunner, sqlite_config: Path) -> None:
    result = runner.invoke(cli, ["setup", "--config", str(sqlite_config)])
    assert result.exit_code == 0, result.output
    assert "setup complete on the sqlite backend" in result.stderr
    assert (sqlite_config.parent / "tasques.db").exists()


def test_setup_with_kibana_imports_the_saved_objects(runner: CliRunner, sqlite_config: Path) -> None:
    with kibana_stub() as kibana:
        result = runner.invoke(
            cli,
            ["setup", "-c", str(sqlite_config), "--kibana", kibana.url + "/", "--kibana-user", "elastic"],
            env={"TASQUES_KIBANA_PASSWORD": "changeme"},
        )

    assert result.exit_code == 0, result.output
    assert "imported 12 saved objects" in result.stderr
    [request] = kibana.requests
    assert request.path == "/api/saved_objects/_import"
    assert request.query == {"overwrite": ["true"]}
    assert request.headers["kbn-xsrf"] == "true"
    assert request.headers["authorization"] == "Basic " + base64.b64encode(b"elastic:changeme").decode()
    assert request.headers["content-type"].startswith("multipart/form-data; boundary=")
    [(name, (file_name, content))] = request.multipart_files().items()
    assert (name, file_name) == ("file", "tasques_saved_objects.ndjson")
    # The objects are rendered for the configured index prefix, not the default one.
    assert content.decode() == render_ndjson("acme_")
    titles = [json.loads(line)["attributes"]["title"] for line in content.decode().splitlines()]
    assert "acme_queue-*" in titles


def test_a_partial_import_fails_with_kibanas_errors(runner: CliRunner, sqlite_config: Path) -> None:
    with kibana_stub() as kibana:
        kibana.answer = {
            "success": False,
            "successCount": 11,
            "errors": [
                {"id": "acme_dashboard", "type": "dashboard", "error": {"type": "missing_references"}}
            ],
        }
        result = runner.invoke(cli, ["setup", "-c", str(sqlite_config), "--kibana", kibana.url])

    assert result.exit_code == 1
    assert "dashboard acme_dashboard: missing_references" in result.stderr
    assert "authorization" not in kibana.requests[0].headers


def test_kibana_http_errors_print_kibanas_message(runner: CliRunner, sqlite_config: Path) -> None:
    with kibana_stub() as kibana:
        kibana.status = 401
        kibana.answer = {"statusCode": 401, "error": "Unauthorized", "message": "missing authentication"}
        result = runner.invoke(cli, ["kibana", "import", "-c", str(sqlite_config), "--kibana", kibana.url])

    assert result.exit_code == 1
    assert "HTTP 401" in result.stderr
    assert "missing authentication" in result.stderr


def test_an_unreachable_kibana_is_an_error(runner: CliRunner, sqlite_config: Path) -> None:
    result = runner.invoke(cli, ["kibana", "import", "--prefix", "x_", "--kibana", "http://127.0.0.1:9"])
    assert result.exit_code == 1
    assert "cannot reach Kibana at http://127.0.0.1:9" in result.stderr


def test_kibana_export_prints_the_objects_for_a_prefix(runner: CliRunner, sqlite_config: Path) -> None:
    assert runner.invoke(cli, ["kibana", "export", "--prefix", "tasques_"]).stdout == render_ndjson(
        "tasques_"
    )
    assert runner.invoke(cli, ["kibana", "export", "-c", str(sqlite_config)]).stdout == render_ndjson("acme_")


def test_openapi_still_prints_the_document(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["openapi"])
    assert result.exit_code == 0
    assert "/tasques/{queue}/{id}" in json.loads(result.stdout)["paths"]
