"""uv.lock: the virtual environment holds exactly the locked versions, nothing more, nothing less.

`make install` syncs the venv from the lock; `make lock-check` (part of `make check`) fails when
pyproject.toml and the lock disagree. This test covers what those leave open: a package installed or
upgraded by hand after the sync.
"""

import subprocess
from importlib import metadata

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from .conftest import tool

# Installed editable from this repository, so not pinned by the lock (the server itself, and the two
# libraries with loose bounds whose dependencies the lock does pin).
REPOSITORY_PROJECTS = {"tasques", "tasques-client", "tasques-worker"}


def _locked_for_this_interpreter() -> dict[str, str]:
    exported = subprocess.run(
        [tool("uv"), "export", "--frozen", "--offline", "--extra", "dev", "--no-emit-project", "--no-hashes"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    locked: dict[str, str] = {}
    for line in exported.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate():
            (pin,) = requirement.specifier
            locked[canonicalize_name(requirement.name)] = pin.version
    return locked


def test_the_environment_holds_exactly_the_locked_versions() -> None:
    installed: dict[str, str] = {
        canonicalize_name(distribution.metadata["Name"]): distribution.version
        for distribution in metadata.distributions()
    }
    for project in REPOSITORY_PROJECTS:
        installed.pop(project)
    assert installed == _locked_for_this_interpreter()
