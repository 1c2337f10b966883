"""Observability settings (embedded in ``app.config.Settings`` as ``observability``)."""

from typing import Literal

from pydantic import BaseModel, ConfigDict


class ObservabilitySettings(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    service_name: str = "tasques"
    # OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces; unset: no export.
    otlp_endpoint: str | None = None
    log_format: Literal["json", "text"] = "json"
    log_level: Literal["debug", "info", "warning", "error"] = "info"
