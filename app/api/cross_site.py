"""Refuse state-changing requests that a browser sends on behalf of a page from another origin (CSRF).

Every body is read as JSON whatever its Content-Type (``json_bodies``), and a browser resends saved Basic
credentials for the dashboard's realm, so without this check a hostile page could POST a ``text/plain``
"form" that creates tasks, bulk-cancels a queue or registers a push worker as the signed-in user.

Browsers say where a request comes from; other clients (curl, SDKs, generated clients) send neither
header and are unaffected:

- ``Sec-Fetch-Site`` (computed by the browser, so right behind any proxy): only ``same-origin`` and
  ``none`` (typed by the user) pass. ``same-site`` is refused too: another port on the same host is
  another origin.
- Without it, ``Origin`` (older browsers): it must name the host the request was sent to (``Host``).

GET, HEAD and OPTIONS change nothing and pass; the dashboard's own calls are same-origin.
"""

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Receive, Scope, Send

from app.api.errors import error_response

_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_ALLOWED_FETCH_SITES = frozenset({"same-origin", "none"})


def cross_site_origin(headers: dict[bytes, bytes]) -> str | None:
    """Where a cross-site request came from, or None when the request may go ahead."""
    fetch_site = headers.get(b"sec-fetch-site")
    origin = headers.get(b"origin", b"").decode("latin-1")
    if fetch_site is not None:
        site = fetch_site.decode("latin-1").lower()
        return None if site in _ALLOWED_FETCH_SITES else (origin or site)
    if not origin:
        return None
    host = headers.get(b"host", b"").decode("latin-1").lower()
    return None if urlsplit(origin).netloc.lower() == host and host else origin


class CrossSiteRequestGuard:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in _SAFE_METHODS:
            origin = cross_site_origin(dict(scope["headers"]))
            if origin is not None:
                response = error_response(
                    403,
                    f"Cross-site request refused: a page from [{origin}] may not change this server's state",
                    "cross_site_request",
                    {"origin": origin},
                )
                await response(scope, receive, send)
                return
        await self._app(scope, receive, send)
