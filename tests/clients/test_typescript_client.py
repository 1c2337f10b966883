"""Runs the TypeScript client's node:test suite (clients/typescript/test) against a real server, with
the server's URL in ``TASQUES_URL``; the suite is compiled by the ``typescript_build`` fixture."""

import os

import pytest

from tests.acceptance.conftest import TasquesServer
from tests.clients.conftest import TYPESCRIPT_CLIENT, TypeScriptBuild, run_checked

pytestmark = pytest.mark.acceptance

RUN_TIMEOUT_SECONDS = 120


def test_typescript_client_suite_passes_against_a_real_server(
    tasques_server: TasquesServer, typescript_build: TypeScriptBuild
) -> None:
    output = run_checked(
        [typescript_build.node, "--test", str(typescript_build.dist / "test")],
        cwd=TYPESCRIPT_CLIENT,
        what="node --test",
        env={**os.environ, "TASQUES_URL": tasques_server.base_url},
        timeout=RUN_TIMEOUT_SECONDS,
    )
    assert "# fail 0" in output, output
    assert "# pass 0" not in output, f"no TypeScript test ran:\n{output}"
