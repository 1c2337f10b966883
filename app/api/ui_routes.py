"""The built-in web dashboard at ``/ui``: static HTML, CSS and ES modules, no build step.

``/ui`` and ``/ui/`` answer with ``index.html`` carrying a ``<base href>`` for the path the request came
through (``root_path`` included), so the page's relative module URLs and its API calls resolve the same
way whether the dashboard is opened as ``/ui`` or ``/ui/``, directly or behind a path-prefix proxy.
Every other file under ``/ui/`` comes from ``StaticFiles`` (no directory listing, no path traversal).
The routes stay out of the OpenAPI document.
"""

from pathlib import Path

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

STATIC_DIRECTORY = Path(__file__).with_name("ui") / "static"
_BASE_PLACEHOLDER = "__TASQUES_UI_BASE__"
# The page loads only its own scripts and styles and talks only to this server.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


def ui_router(directory: Path = STATIC_DIRECTORY) -> APIRouter:
    router = APIRouter(include_in_schema=False)
    static = StaticFiles(directory=directory, check_dir=True)
    index_path = directory / "index.html"

    @router.get("/ui", response_class=HTMLResponse)
    @router.get("/ui/", response_class=HTMLResponse)
    @router.get("/ui/index.html", response_class=HTMLResponse)  # else StaticFiles sends the placeholder
    async def index(request: Request) -> Response:
        base = f"{request.scope.get('root_path', '').rstrip('/')}/ui/"
        page = index_path.read_text(encoding="utf-8").replace(_BASE_PLACEHOLDER, _attribute(base))
        return HTMLResponse(page, headers=_SECURITY_HEADERS)

    @router.get("/ui/{path:path}")
    @router.head("/ui/{path:path}")
    async def asset(path: str, request: Request) -> Response:
        response = await static.get_response(path, request.scope)
        response.headers.update(_SECURITY_HEADERS)
        return response

    return router


def _attribute(value: str) -> str:
    return value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
