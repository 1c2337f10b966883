"""API keys with scopes and queue patterns, Tasques-style basic auth, and per-key rate limits.

The middleware authenticates every request except liveness/readiness/version and the OpenAPI document
and leaves the principal in the request state. Authorisation runs after routing, as the app-wide
dependency ``authorize_route``: the scope comes from the route's operation id and the queue from its own
``{queue}`` parameter, never from a regex over the raw path (a queue named ``batch`` or ``done`` is just
a queue). Handlers whose queues arrive in the body (enqueue, claim, batch finish, recurring definitions) check them
with ``require_queues``; handlers of things that belong to queues (recurring definitions, push workers,
pipelines, admin jobs) check the stored thing's queues, and lists keep what ``covers_queues``. Keys are compared by their SHA-256 and never logged.

The dashboard (``/ui``) needs the ``read`` scope like any other GET. Every 401 challenges with
``Basic realm="tasques"``, and Basic credentials are either a configured user or any user name with an
API key as the password, so a browser opening ``/ui`` asks for them natively and then resends them to
this origin for the page's API calls (for the same realm). The page's own sign-in form, for an API key,
keeps it in the tab's sessionStorage only and sends it as ``X-TASQUES-API-KEY``; no key sits in a URL.
"""

import base64
import binascii
import fnmatch
import hashlib
import hmac
import math
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

from fastapi import Request
from starlette.types import ASGIApp, Receive, Send
from starlette.types import Scope as AsgiScope

from app.api.auth_settings import AuthSettings, Scope
from app.api.errors import error_response
from app.domain.errors import AccessDenied

_OPEN = re.compile(r"^/(healthz|readyz|version|openapi\.json|docs|docs/.*|redoc)$")
# By operation id, never by the raw path: a queue named ``batch`` or ``done`` must not change the answer.
_SCOPE_BY_OPERATION: dict[str, Scope] = {
    "claim-tasks": Scope.WORK,
    "unclaim-existing-task": Scope.WORK,
    "report-on-claimed-task": Scope.WORK,
    "mark-claimed-task-done": Scope.WORK,
    "mark-claimed-task-failed": Scope.WORK,
    "mark-claimed-task-cancelled": Scope.WORK,
    "finish-claimed-tasks": Scope.WORK,
    "create-task": Scope.ENQUEUE,
    "create-tasks": Scope.ENQUEUE,
    "cancel-task": Scope.ENQUEUE,
    "create-pipeline": Scope.ENQUEUE,
    "search-tasks-post": Scope.READ,  # a read that takes its query as a body
}


@dataclass
class Principal:
    name: str
    scopes: frozenset[Scope]
    queue_patterns: tuple[str, ...] = ("*",)

    def allows(self, scope: Scope) -> bool:
        return Scope.ADMIN in self.scopes or scope in self.scopes

    def allows_queue(self, queue: str) -> bool:
        return any(fnmatch.fnmatchcase(queue, pattern) for pattern in self.queue_patterns)


@dataclass
class _Bucket:
    tokens: float
    at: float = field(default_factory=time.monotonic)


def required_scope(method: str, operation_id: str | None) -> Scope:
    """The scope an operation needs: from the table, else ``read`` for GET/HEAD and ``admin`` otherwise."""
    if operation_id in _SCOPE_BY_OPERATION:
        return _SCOPE_BY_OPERATION[operation_id]
    return Scope.READ if method in {"GET", "HEAD"} else Scope.ADMIN


async def authorize_route(request: Request) -> None:
    """App-wide dependency: after routing, so the operation and its ``{queue}`` are the router's own.

    ``async`` so FastAPI runs it on the event loop, not in its thread pool (a hand-off per request)."""
    principal: Principal | None = getattr(request.state, "principal", None)
    if principal is None:
        return
    route = request.scope.get("route")
    needed = required_scope(request.method, getattr(route, "operation_id", None))
    if not principal.allows(needed):
        raise AccessDenied(f"The credentials [{principal.name}] lack the [{needed.value}] scope")
    queue = request.path_params.get("queue")
    if isinstance(queue, str):
        require_queues(request, [queue])


def _principal(request: Request) -> Principal | None:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def covers_queues(request: Request, queues: Iterable[str]) -> bool:
    """Whether the caller may see something that touches all of ``queues`` (for filtering lists)."""
    principal = _principal(request)
    return principal is None or all(principal.allows_queue(queue) for queue in queues)


def require_unscoped(request: Request, what: str) -> None:
    """For answers that span every queue (``/metrics``): keys limited to some queues are refused."""
    principal = _principal(request)
    if principal is not None and principal.queue_patterns != ("*",):
        raise AccessDenied(
            f"The credentials [{principal.name}] are limited to some queues: {what} needs a key for all"
        )


def require_queues(request: Request, queues: Iterable[str]) -> None:
    principal = _principal(request)
    if principal is None:
        return
    for queue in queues:
        if not principal.allows_queue(queue):
            raise AccessDenied(
                f"The credentials [{principal.name}] do not cover queue [{queue}]", queue=queue
            )
    if principal.queue_patterns != ("*",) and not list(queues):
        raise AccessDenied(
            f"The credentials [{principal.name}] are limited to some queues: name them", queues=[]
        )


class Authentication:
    def __init__(self, app: ASGIApp, *, settings: AuthSettings) -> None:
        self._app = app
        self._settings = settings
        self._keys = {key.sha256: key for key in settings.api_keys}
        self._buckets: dict[str, _Bucket] = {}

    async def __call__(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._settings.enabled:
            await self._app(scope, receive, send)
            return
        if _OPEN.match(scope["path"]):
            await self._app(scope, receive, send)
            return
        headers = {name.decode().lower(): value.decode("latin-1") for name, value in scope["headers"]}
        principal = self._authenticate(headers)
        if principal is None:
            response = error_response(401, "Missing or unknown credentials", "unauthorized")
            # Basic, which a browser answers by itself; API clients send their key as they please.
            response.headers["WWW-Authenticate"] = 'Basic realm="tasques"'

            await response(scope, receive, send)
            return
        wait = self._rate_limited(principal.name)
        if wait is not None:
            response = error_response(429, f"Rate limit exceeded for [{principal.name}]", "rate_limited")
            response.headers["Retry-After"] = str(max(1, math.ceil(wait)))
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["principal"] = principal
        await self._app(scope, receive, send)

    def _authenticate(self, headers: dict[str, str]) -> Principal | None:
        key = headers.get("x-tasques-api-key")
        authorization = headers.get("authorization", "")
        if key is None and authorization.lower().startswith("bearer "):
            key = authorization[7:].strip()
        if key is not None:
            return self._api_key(key)
        if authorization.lower().startswith("basic "):
            return self._basic(authorization[6:].strip())
        return None

    def _api_key(self, key: str) -> Principal | None:
        found = self._keys.get(hashlib.sha256(key.encode()).hexdigest())
        return Principal(found.name, frozenset(found.scopes), tuple(found.queues)) if found else None

    def _basic(self, encoded: str) -> Principal | None:
        """A configured user, else any user name with an API key as the password (what a browser sends
        for the dashboard)."""
        try:
            name, _, password = base64.b64decode(encoded).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return None
        for user in self._settings.basic_auth:
            if user.name == name and hmac.compare_digest(user.password.get_secret_value(), password):
                return Principal(name, frozenset({Scope.ADMIN}))
        return self._api_key(password) if password else None

    def _rate_limited(self, name: str) -> float | None:
        """Seconds to wait, or None when the request may go ahead (token bucket per principal)."""
        rate = self._settings.rate_limit_per_second
        if rate <= 0:
            return None
        now = time.monotonic()
        bucket = self._buckets.setdefault(
            name, _Bucket(tokens=float(self._settings.rate_limit_burst), at=now)
        )
        bucket.tokens = min(self._settings.rate_limit_burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return None
        return (1 - bucket.tokens) / rate
