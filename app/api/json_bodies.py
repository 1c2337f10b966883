"""Read every request body as JSON whatever its Content-Type, as Tasques did.

``curl -d`` sends ``application/x-www-form-urlencoded`` unless told otherwise; Tasques clients and
scripts rely on the body being parsed as JSON anyway, so this middleware relabels such requests.
"""

from starlette.types import ASGIApp, Receive, Scope, Send

_JSON = b"application/json"


class JsonBodies:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in {"POST", "PUT", "PATCH", "DELETE"}:
            headers = [(name, value) for name, value in scope["headers"] if name != b"content-type"]
            declared = dict(scope["headers"]).get(b"content-type", b"")
            if b"json" not in declared.lower():
                scope = {**scope, "headers": [*headers, (b"content-type", _JSON)]}
        await self._app(scope, receive, send)
