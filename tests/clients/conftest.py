"""Fixtures for the client suites: the SDK suite's server (one real ``tasques serve`` per session) and
the TypeScript client built once per session with its pinned toolchain.

Without Node.js the TypeScript tests skip, except under CI (``CI`` set), where they must run.
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sdk.conftest import producer, pytest_runtest_makereport, queue, tasques_server

__all__ = [
    "TypeScriptBuild",
    "producer",
    "pytest_runtest_makereport",
    "queue",
    "run_checked",
    "tasques_server",
    "typescript_build",
]

REPOSITORY = Path(__file__).resolve().parents[2]
TYPESCRIPT_CLIENT = REPOSITORY / "clients" / "typescript"
INSTALL_TIMEOUT_SECONDS = 300
BUILD_TIMEOUT_SECONDS = 180


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def run_checked(
    command: list[str], *, cwd: Path, what: str, timeout: float, env: dict[str, str] | None = None
) -> str:
    """Runs ``command``; fails the test with its output unless it exits 0; returns stdout + stderr."""
    completed = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    output = f"{completed.stdout}\n{completed.stderr}"
    if completed.returncode != 0:
        pytest.fail(f"{what} exited with {completed.returncode}:\n{output}", pytrace=False)
    return output


@dataclass(frozen=True)
class TypeScriptBuild:
    node: str
    # clients/typescript/dist (git-ignored): dist/src is the client, dist/test its node:test suite.
    dist: Path


@pytest.fixture(scope="session")
def typescript_build() -> TypeScriptBuild:
    """``npm ci`` when node_modules is missing or older than the lock file, then ``tsc`` (which also
    type-checks the tests against the generated client) into clients/typescript/dist."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        if in_ci():
            pytest.fail("node and npm are required in CI for the TypeScript client tests", pytrace=False)
        pytest.skip("Node.js is not installed")
    installed = TYPESCRIPT_CLIENT / "node_modules" / ".package-lock.json"
    lock = TYPESCRIPT_CLIENT / "package-lock.json"
    if not installed.exists() or installed.stat().st_mtime < lock.stat().st_mtime:
        run_checked(
            [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=TYPESCRIPT_CLIENT,
            what="npm ci",
            timeout=INSTALL_TIMEOUT_SECONDS,
        )
    tsc = TYPESCRIPT_CLIENT / "node_modules" / ".bin" / "tsc"
    run_checked(
        [str(tsc), "-p", "tsconfig.json"], cwd=TYPESCRIPT_CLIENT, what="tsc", timeout=BUILD_TIMEOUT_SECONDS
    )
    return TypeScriptBuild(node=node, dist=TYPESCRIPT_CLIENT / "dist")
