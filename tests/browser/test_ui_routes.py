"""The /ui router on its own, in process: what it serves, with which headers, and what it refuses."""

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from app.api.ui_routes import STATIC_DIRECTORY, ui_router


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    app = FastAPI()
    app.include_router(ui_router())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ui") as client:
        yield client


@pytest.mark.parametrize("path", ["/ui", "/ui/"])
async def test_the_page_is_served_at_ui_with_and_without_the_slash(
    client: httpx.AsyncClient, path: str
) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<base href="/ui/">' in response.text
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-content-type-options"] == "nosniff"


async def test_the_base_follows_the_root_path_of_a_proxy() -> None:
    app = FastAPI()
    app.include_router(ui_router())
    # As uvicorn --root-path /ops passes it on: the prefix in root_path and at the start of path.
    transport = httpx.ASGITransport(app=app, root_path="/ops")
    async with httpx.AsyncClient(transport=transport, base_url="http://ui") as client:
        response = await client.get("/ops/ui")
    assert response.status_code == 200
    assert '<base href="/ops/ui/">' in response.text


async def test_every_module_the_page_loads_is_served_as_javascript(client: httpx.AsyncClient) -> None:
    page = (await client.get("/ui/")).text
    modules = {"main.js"}
    sources = sorted(path.name for path in STATIC_DIRECTORY.glob("*.js"))
    for source in sources:
        text = (STATIC_DIRECTORY / source).read_text()
        modules.update(re.findall(r'from "\./([\w-]+\.js)"', text))
        assert "innerHTML" not in text
        assert "outerHTML" not in text
        assert "insertAdjacentHTML" not in text
    assert modules == set(sources), "every module is imported by the page and exists"
    assert 'src="main.js"' in page
    assert 'href="app.css"' in page
    for name in [*modules, "app.css"]:
        response = await client.get(f"/ui/{name}")
        assert response.status_code == 200, name
        expected = "text/css" if name.endswith(".css") else "javascript"
        assert expected in response.headers["content-type"], name


@pytest.mark.parametrize("path", ["/ui/missing.js", "/ui/../pyproject.toml", "/ui/%2e%2e/ui_routes.py"])
async def test_nothing_outside_the_static_files_is_served(client: httpx.AsyncClient, path: str) -> None:
    assert (await client.get(path)).status_code == 404


def test_the_dashboard_stays_out_of_the_openapi_document() -> None:
    app = FastAPI()
    app.include_router(ui_router())
    assert not [path for path in app.openapi()["paths"] if path.startswith("/ui")]
