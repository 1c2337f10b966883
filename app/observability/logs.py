"""Logging configuration: JSON lines carrying the current trace and span ids, or plain text."""

import logging
from typing import Any

from opentelemetry import trace

from app.observability.settings import ObservabilitySettings


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
        "filters": {"trace_ids": {"()": TraceIds}},
        "formatters": {"default": json_format if settings.log_format == "json" else text_format},
        "handlers": {
            "default": {"class": "logging.StreamHandler", "formatter": "default", "filters": ["trace_ids"]},
        },
        "root": {"handlers": ["default"], "level": settings.log_level.upper()},
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": settings.log_level.upper(), "propagate": False},
            "uvicorn.access": {
                "handlers": ["default"],
                "level": settings.log_level.upper(),
                "propagate": False,
            },
            "uvicorn.error": {
                "handlers": ["default"],
                "level": settings.log_level.upper(),
                "propagate": False,
            },
        },
    }
