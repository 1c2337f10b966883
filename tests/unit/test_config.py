from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from httpx._config import DEFAULT_LIMITS
from pydantic import BaseModel, ValidationError

from app.config import Settings, load_settings

EXAMPLE = Path(__file__).resolve().parents[2] / "config.example.yaml"
# The default idle timeout of an AWS application load balancer in front of the servers.
AWS_LOAD_BALANCER_IDLE_TIMEOUT = timedelta(seconds=60)


def _leaf_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel) and name != "backoff":
            paths |= _leaf_paths(annotation, f"{prefix}{name}.")
        else:
            paths.add(f"{prefix}{name}")
    return paths


def _present_paths(values: dict[str, Any], prefix: str = "") -> set[str]:
    paths: set[str] = set()
    for key, value in values.items():
        paths.add(f"{prefix}{key}")
        if isinstance(value, dict):
            paths |= _present_paths(value, f"{prefix}{key}.")
    return paths


def test_the_example_documents_every_key_with_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TASQUES_CONFIG", raising=False)
    documented = _present_paths(yaml.safe_load(EXAMPLE.read_text()))

    assert _leaf_paths(Settings) <= documented
    assert load_settings(EXAMPLE) == Settings()


def test_environment_overrides_the_file_key_by_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "tasques.yaml"
    config.write_text("server: {port: 9000}\ntasks: {defaults: {retry_times: 3, processing_timeout: 1h}}\n")
    monkeypatch.setenv("TASQUES_CONFIG", str(config))
    monkeypatch.setenv("TASQUES_TASKS__DEFAULTS__RETRY_TIMES", "7")
    monkeypatch.setenv("TASQUES_STORAGE__BACKEND", "elasticsearch")

    settings = load_settings()

    assert settings.server.port == 9000
    assert settings.tasks.defaults.retry_times == 7
    assert settings.tasks.defaults.processing_timeout.total_seconds() == 3600
    assert settings.storage.backend == "elasticsearch"


@pytest.mark.parametrize(
    "text",
    [
        "storage: {backend: postgres}",
        "server: {unknown_key: 1}",
        "tasks: {defaults: {block_for: soon}}",
        "- a list",
    ],
)
def test_invalid_files_are_refused(tmp_path: Path, text: str) -> None:
    config = tmp_path / "bad.yaml"
    config.write_text(text)
    with pytest.raises((ValidationError, ValueError)):
        load_settings(config)


def test_secrets_do_not_print(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TASQUES_STORAGE__ELASTICSEARCH__PASSWORD", "hunter2")
    settings = load_settings(None)
    assert "hunter2" not in repr(settings)
    assert settings.storage.elasticsearch.password is not None
    assert settings.storage.elasticsearch.password.get_secret_value() == "hunter2"


def test_idle_connections_are_closed_by_the_client_first_with_the_default_keep_alive() -> None:
    """A request sent on a pooled connection just as the server closes it fails with a reset, so the
    server must keep an idle connection longer than a client's pool does (httpx's default expiry)."""
    assert DEFAULT_LIMITS.keepalive_expiry is not None
    client_expiry = timedelta(seconds=DEFAULT_LIMITS.keepalive_expiry)

    assert Settings().server.keep_alive_timeout > max(2 * client_expiry, AWS_LOAD_BALANCER_IDLE_TIMEOUT)
