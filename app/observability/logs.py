"""Logging configuration: JSON lines carrying the current trace and span ids, or plain text.

The server's own loggers (``app.*`` and uvicorn's) log at ``log_level``; every other logger, the root
included, at ``library_log_level`` (WARNING by default): the Elasticsearch and OpenSearch clients log
every request at INFO, thousands of lines a minute under load, which would drown the server's events.
``loggers`` sets any logger's level by name, e.g. ``{"elastic_transport": "info"}`` to see requests again.

opensearch-py logs every answer outside 2xx at WARNING, but the store expects 404 (a document not there)
and 409 (a compare-and-swap race lost to another server) as ordinary answers, many a second under load;
those lines are dropped unless the ``opensearch`` logger is set to info or lower. Other failures (5xx,
connection errors) stay warnings.
"""

import logging
from typing import Any

from opentelemetry import trace

from app.observability.settings import ObservabilitySettings

OWN_LOGGERS = ("app",)
"""Loggers of this server that propagate to the root handler."""
UVICORN_LOGGERS = ("uvicorn", "uvicorn.access", "uvicorn.error")
"""uvicorn's loggers get the handler themselves (uvicorn reconfigures them with this same dict)."""


OPENSEARCH_LOGGER = "opensearch"
_EXPECTED_STATUSES = frozenset({404, 409})


class ExpectedEngineAnswers(logging.Filter):
    """Drops opensearch-py's request-failure lines for answers the store expects (see the docstring)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if logging.getLogger(OPENSEARCH_LOGGER).getEffectiveLevel() <= logging.INFO:
            return True
        # log_request_fail's arguments: method, url, status (or "N/A"), duration.
        arguments = record.args
        expected = isinstance(arguments, tuple) and len(arguments) == 4 and arguments[2] in _EXPECTED_STATUSES
        return not expected


class TraceIds(logging.Filter):
    """Adds ``trace_id``/``span_id`` of the current span, so log lines join traces."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = trace.get_current_span().get_span_context()
        record.trace_id = format(context.trace_id, "032x") if context.is_valid else None
        record.span_id = format(context.span_id, "016x") if context.is_valid else None
        return True


def logging_config(settings: ObservabilitySettings) -> dict[str, Any]:
    """A ``logging.config.dictConfig`` dict, also handed to uvicorn so its logs share the format."""
    json_format = {
        "()": "pythonjsonlogger.json.JsonFormatter",
        "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(trace_id)s %(span_id)s",
        "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
    }
    text_format = {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"trace_ids": {"()": TraceIds}, "expected_engine_answers": {"()": ExpectedEngineAnswers}},
        "formatters": {"default": json_format if settings.log_format == "json" else text_format},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default", "filters": ["trace_ids"]},
        },
        "root": {"handlers": ["default"], "level": settings.library_log_level.upper()},
        "loggers": _logger_levels(settings),
    }


def _logger_levels(settings: ObservabilitySettings) -> dict[str, dict[str, Any]]:
    own = settings.log_level.upper()
    loggers: dict[str, dict[str, Any]] = {name: {"level": own} for name in OWN_LOGGERS}
    for name in UVICORN_LOGGERS:
        loggers[name] = {"handlers": ["default"], "level": own, "propagate": False}
    loggers[OPENSEARCH_LOGGER] = {"filters": ["expected_engine_answers"]}
    for name, level in settings.loggers.items():
        loggers[name] = {**loggers.get(name, {}), "level": level.upper()}
    return loggers
