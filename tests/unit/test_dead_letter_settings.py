"""Dead-letter retention settings: parsing from YAML and the environment, validation, and precedence."""

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from app.config import load_settings
from app.maintenance.dead_letters import DeadLetterSettings

YAML = """
maintenance:
  dead_letters:
    retention: 168h
    batch_size: 50
    queues:
      payments: null
      "reports-*": 72h
      "*-eu": 1h30m
"""


def test_yaml_sets_a_default_and_per_queue_overrides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TASQUES_CONFIG", raising=False)
    config = tmp_path / "tasques.yaml"
    config.write_text(YAML)

    dead_letters = load_settings(config).maintenance.dead_letters

    assert dead_letters.retention == timedelta(hours=168)
    assert dead_letters.batch_size == 50
    assert dead_letters.queues == {
        "payments": None,
        "reports-*": timedelta(hours=72),
        "*-eu": timedelta(minutes=90),
    }
    assert dead_letters.retention_for("payments") is None
    assert dead_letters.retention_for("reports-eu") == timedelta(hours=72)  # the first matching pattern
    assert dead_letters.retention_for("billing-eu") == timedelta(minutes=90)
    assert dead_letters.retention_for("emails") == timedelta(hours=168)


def test_the_environment_overrides_the_default_and_the_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TASQUES_CONFIG", raising=False)
    monkeypatch.setenv("TASQUES_MAINTENANCE__DEAD_LETTERS__RETENTION", "24h")
    monkeypatch.setenv("TASQUES_MAINTENANCE__DEAD_LETTERS__QUEUES", '{"audit": null, "tmp-*": "10m"}')

    dead_letters = load_settings().maintenance.dead_letters

    assert dead_letters.retention_for("orders") == timedelta(hours=24)
    assert dead_letters.retention_for("audit") is None
    assert dead_letters.retention_for("tmp-1") == timedelta(minutes=10)


def test_by_default_dead_tasks_are_kept() -> None:
    settings = DeadLetterSettings()

    assert settings.retention_for("anything") is None
    assert not settings.expires_anything
    assert DeadLetterSettings(queues={"a": None}).expires_anything is False
    assert DeadLetterSettings(queues={"a": "1h"}).expires_anything


def test_an_exact_name_wins_over_a_pattern_declared_before_it() -> None:
    settings = DeadLetterSettings.model_validate({"queues": {"orders-*": "1h", "orders-eu": "2h"}})

    assert settings.retention_for("orders-eu") == timedelta(hours=2)
    assert settings.retention_for("orders-us") == timedelta(hours=1)


@pytest.mark.parametrize(
    "values",
    [
        {"retention": "0s"},
        {"retention": "-1h"},
        {"retention": "a week"},
        {"queues": {"q": "0"}},
        {"queues": {"q": "-5m"}},
        {"batch_size": 0},
        {"unknown": 1},
    ],
)
def test_invalid_values_are_refused(values: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        DeadLetterSettings.model_validate(values)
