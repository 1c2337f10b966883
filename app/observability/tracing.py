"""OpenTelemetry setup and a store wrapper that puts a span around every store call.

Without a provider (no OTLP endpoint) the API opens no request spans, so the store is not wrapped
either: a no-op span around every store call cost about a tenth of a ``done`` request's server time.
"""

import functools
from collections.abc import Awaitable, Callable
from typing import Any, cast

from opentelemetry import trace
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from app.observability.settings import ObservabilitySettings
from app.storage.port import Store


def tracer_provider(settings: ObservabilitySettings) -> TracerProvider | None:
    """A provider exporting over OTLP, or None (the API's no-op) when no endpoint is configured."""
    if settings.otlp_endpoint is None:
        return None
    provider = TracerProvider(resource=Resource.create({"service.name": settings.service_name}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint)))
    return provider


class TracedStore:
    """Delegates to a store, wrapping each coroutine method in a ``store.<method>`` span."""

    def __init__(self, store: Store, *, backend: str, tracer: trace.Tracer) -> None:
        self._store = store
        self._backend = backend
        self._tracer = tracer
        self._wrapped: dict[str, Callable[..., Awaitable[Any]]] = {}

    def __getattr__(self, name: str) -> Any:
        wrapped = self._wrapped.get(name)
        if wrapped is not None:
            return wrapped
        attribute = getattr(self._store, name)
        if name.startswith("_") or not callable(attribute):
            return attribute
        # Bound methods of the store never change, so each is wrapped once, not on every call.
        wrapped = self._wrapped[name] = self._traced(name, attribute)
        return wrapped

    def _traced(self, name: str, method: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        @functools.wraps(method)
        async def call(*args: Any, **kwargs: Any) -> Any:
            with self._tracer.start_as_current_span(f"store.{name}", attributes={"db.system": self._backend}):
                return await method(*args, **kwargs)

        return call


def traced(store: Store, *, backend: str, provider: TracerProvider | None) -> Store:
    if provider is None:
        return store
    return cast(Store, TracedStore(store, backend=backend, tracer=provider.get_tracer("tasques.store")))
