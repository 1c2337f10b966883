"""A server loads only the configured engine's client library (each costs resident memory)."""

import subprocess
import sys
from pathlib import Path

import pytest

_PROBE = """
import sys
from app.components import build_store
from app.config import load_settings

build_store(load_settings())
print(",".join(sorted(name for name in ("elasticsearch", "opensearchpy") if name in sys.modules)))
"""


@pytest.mark.parametrize(
    ("backend", "loaded"),
    [("sqlite", ""), ("opensearch", "opensearchpy"), ("elasticsearch", "elasticsearch")],
)
def test_building_a_store_imports_only_its_engines_client(tmp_path: Path, backend: str, loaded: str) -> None:
    environment = {
        "TASQUES_STORAGE__BACKEND": backend,
        "TASQUES_STORAGE__SQLITE__PATH": str(tmp_path / "tasques.db"),
        "PATH": "",
    }
    completed = subprocess.run(
        [sys.executable, "-c", _PROBE], env=environment, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == loaded
