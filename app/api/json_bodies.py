"""Read every request body as JSON whatever its Content-Type, as Tasques did.

``curl -d`` sends ``application/x-www-form-urlencoded`` unless told otherwise; Tasques clients and
scripts rely on the body being parsed as JSON anyway, so this middleware relabels such requests.
"""

from starlette.types import ASGIApp, Receive, Scope, Send

_JSON = b"application/json"
_WITH_BODY = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class JsonBodies:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] in _WITH_BODY and not _declares_json(scope["headers"]):
            headers = [(name, value) for name, value in scope["headers"] if name != b"content-type"]
            scope = {**scope, "headers": [*headers, (b"content-type", _JSON)]}
        await self._app(scope, receive, send)


def _declares_json(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the (last) Content-Type names JSON; the usual case copies nothing."""
    declared = b""
    for name, value in headers:
        if name == b"content-type":
            declared = value
    return b"json" in declared.lower()
