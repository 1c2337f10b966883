"""Incoming W3C trace context without the full request instrumentation.

With no span exporter configured every span is a no-op, yet OpenTelemetry's ASGI instrumentation still
costs a sixth of a small request (its span bookkeeping and a second route match per request). So it is
installed only when a tracer provider exports; otherwise this middleware does the one thing that must
survive: a producer's ``traceparent`` becomes the current context, so the tasks it enqueues carry it to
their workers.
"""

from opentelemetry import context, propagate
from starlette.types import ASGIApp, Receive, Scope, Send


class IncomingTraceContext:
    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not any(name == b"traceparent" for name, _ in scope["headers"]):
            await self._app(scope, receive, send)
            return
        carrier = {name.decode("latin-1"): value.decode("latin-1") for name, value in scope["headers"]}
        token = context.attach(propagate.extract(carrier))
        try:
            await self._app(scope, receive, send)
        finally:
            context.detach(token)
