"""docker/Dockerfile: hadolint, and the properties the deployment files rely on."""

import re
import subprocess

from .conftest import REPOSITORY, locked_version, tool

DOCKERFILE = REPOSITORY / "docker" / "Dockerfile"


def test_hadolint_finds_nothing() -> None:
    result = subprocess.run(
        [tool("hadolint"), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _stages() -> dict[str, list[str]]:
    """Stage name -> its instructions (continuation lines joined)."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    stages: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if match := re.match(r"FROM\s+\S+\s+AS\s+(\S+)", line, flags=re.IGNORECASE):
            current = stages.setdefault(match.group(1), [])
        current.append(line)
    return stages


def test_the_last_stage_is_a_slim_non_root_server_running_the_cli() -> None:
    stages = _stages()
    assert list(stages)[-1] == "runtime"  # a plain `docker build` builds the server image
    runtime = stages["runtime"]
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in DOCKERFILE.read_text()
    assert any(line.startswith("USER 10001") for line in runtime)
    assert 'ENTRYPOINT ["tasques"]' in runtime
    assert 'CMD ["serve", "--host", "0.0.0.0"]' in runtime
    assert "EXPOSE 8080" in runtime
    # The runtime stage installs the wheel the build stage made and copies no source tree.
    assert any("pip install --no-index --find-links=/wheels tasques" in line for line in runtime)
    assert not any(line.startswith("COPY app") for line in runtime)
    assert any("pip wheel --no-deps --wheel-dir /wheels ." in line for line in stages["build"])


def test_the_image_installs_the_locked_dependencies_with_their_hashes() -> None:
    build = _stages()["build"]
    assert "COPY pyproject.toml uv.lock README.md ./" in build
    export = next(line for line in build if "uv export" in line)
    assert "--frozen" in export
    assert "--no-hashes" not in export
    assert "--extra" not in export  # the runtime part only: no dev tools in the image
    assert "pip wheel --require-hashes --wheel-dir /wheels -r /tmp/locked.txt" in export
    worker = _stages()["example-worker-build"]
    assert any("pip wheel --constraint /tmp/constraints.txt" in line for line in worker)


def test_the_image_exports_with_the_uv_version_the_lock_pins() -> None:
    pinned = re.search(r"^ARG UV_VERSION=(\S+)$", DOCKERFILE.read_text(), flags=re.MULTILINE)
    assert pinned is not None
    assert pinned.group(1) == locked_version("uv")


def test_the_build_context_is_limited_to_what_the_stages_copy() -> None:
    ignore = (REPOSITORY / "docker" / "Dockerfile.dockerignore").read_text().split()
    assert ignore[ignore.index("*")] == "*"
    for needed in ("pyproject.toml", "uv.lock", "README.md", "config.example.yaml", "app/"):
        assert f"!{needed}" in ignore
        assert (REPOSITORY / needed.rstrip("/")).exists()
