"""Minimum engine versions: setup and readiness name the version found and the one needed."""

import pytest

from app.storage.elasticsearch.engine import EngineInfo


@pytest.mark.parametrize(
    ("engine", "version"),
    [
        ("elasticsearch", "7.14.0"),
        ("elasticsearch", "8.15.1"),
        ("opensearch", "2.4.0"),
        ("opensearch", "2.19.6"),
    ],
)
def test_supported_versions_pass(engine: str, version: str) -> None:
    assert EngineInfo(engine=engine, version=version).version_problem() is None  # type: ignore[arg-type]


def test_an_old_elasticsearch_is_refused_with_both_versions_named() -> None:
    problem = EngineInfo(engine="elasticsearch", version="7.10.2").version_problem()
    assert problem == "elasticsearch 7.10.2 is too old: tasques needs elasticsearch 7.14 or newer"


def test_an_old_opensearch_is_refused_with_both_versions_named() -> None:
    problem = EngineInfo(engine="opensearch", version="1.3.19").version_problem()
    assert problem == "opensearch 1.3.19 is too old: tasques needs opensearch 2.4 or newer"
