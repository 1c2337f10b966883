import hashlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from app.components import Components, build_app, build_components
from app.config import Settings
from app.storage.sqlite import SqliteTaskStore
from tests.acceptance.conftest import pytest_runtest_makereport, start_module_tasques_servers
from tests.api.conftest import api, components

__all__ = ["api", "components", "pytest_runtest_makereport", "start_module_tasques_servers"]

# name: (key, scopes, queue patterns)
KEYS = {
    "root": ("root-0a1b2c", ["admin"], ["*"]),
    "a-admin": ("aadm-3d4e5f", ["admin"], ["a-*"]),
    "a-reader": ("aread-6a7b8c", ["read"], ["a-*"]),
    "a-producer": ("aprod-9d0e1f", ["enqueue"], ["a-*"]),
    "a-worker": ("awork-2a3b4c", ["work", "read"], ["a-*"]),
}


def key(name: str) -> dict[str, str]:
    return {"X-TASQUES-API-KEY": KEYS[name][0], "X-TASQUES-WORKER-ID": "w"}


def secured_settings() -> Settings:
    api_keys = [
        {
            "name": name,
            "sha256": hashlib.sha256(secret.encode()).hexdigest(),
            "scopes": scopes,
            "queues": queues,
        }
        for name, (secret, scopes, queues) in KEYS.items()
    ]
    return Settings.model_validate({"auth": {"api_keys": api_keys}})


@pytest.fixture
def secured_components(tmp_path: Path) -> Components:
    return build_components(secured_settings(), store=SqliteTaskStore(tmp_path / "secured.db"))


@pytest.fixture
async def secured(secured_components: Components) -> AsyncIterator[httpx.AsyncClient]:
    app = build_app(secured_components)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as client,
    ):
        yield client
