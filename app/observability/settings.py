"""Observability settings (embedded in ``app.config.Settings`` as ``observability``)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LogLevel = Literal["debug", "info", "warning", "error"]


class ObservabilitySettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    service_name: str = "tasques"
    # OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces; unset: no export.
    otlp_endpoint: str | None = None
    log_format: Literal["json", "text"] = "json"
    log_level: LogLevel = "info"
    """The server's own loggers (``app.*``, uvicorn)."""
    library_log_level: LogLevel = "warning"
    """Every other logger: client libraries such as elastic_transport log each request at INFO."""
    loggers: dict[str, LogLevel] = Field(default_factory=dict)
    """Per-logger levels by logger name (a name covers its children), over the two above."""
