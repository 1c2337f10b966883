"""Every documented operation is served by its own route: no route declared earlier matches another's
path and method, so the order the routers are included in is free to change."""

import re
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.routing import APIRoute
from starlette.types import Receive, Scope, Send

from app.components import Components, build_app

_PARAMETER = re.compile(r"\{(\w+)(?::path)?\}")


def _sample_path(template: str) -> str:
    """A concrete path for ``template``: each parameter filled with a value no literal segment has."""
    return _PARAMETER.sub(lambda parameter: f"sample-{parameter.group(1)}", template)


async def test_each_operation_reaches_the_route_that_declares_it(components: Components) -> None:
    app = build_app(components)
    served: list[Any] = []

    async def recording(scope: Scope, receive: Receive, send: Send) -> None:
        await app(scope, receive, send)
        served.append(scope.get("route"))

    operations = [
        (template, method.upper())
        for template, methods in FastAPI.openapi(app)["paths"].items()
        for method in methods
    ]
    assert len(operations) > 40  # the whole API, not an empty schema
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=recording), base_url="http://tasques") as client,
    ):
        mismatched = []
        for template, method in operations:
            # A JSON body, so the body checks in front of the router let every request through to it.
            body: dict[str, object] | None = None if method in ("GET", "HEAD") else {}
            await client.request(method, _sample_path(template), json=body)
            route = served.pop()
            if (
                not isinstance(route, APIRoute)
                or route.path_format != template
                or method not in (route.methods or set())
            ):
                mismatched.append((method, template, getattr(route, "path_format", None)))
    assert mismatched == []
