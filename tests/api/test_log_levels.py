"""Client libraries log at WARNING unless configured otherwise; the server's own lines keep their level,
their JSON shape and their trace ids."""

import json
import logging
import logging.config
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider

from app.observability.logs import OPENSEARCH_LOGGER, OWN_LOGGERS, UVICORN_LOGGERS, logging_config
from app.observability.settings import LogLevel, ObservabilitySettings
from tests.api.conftest import WORKER, BackendApi

CLIENT_LOGGERS = ("elastic_transport", "opensearch")
"""Where the Elasticsearch and OpenSearch clients log each request."""


@contextmanager
def configured(settings: ObservabilitySettings) -> Iterator[None]:
    """The server's logging config for the block; the loggers it touches are put back afterwards (their
    handlers write to the captured stream, which closes with the test)."""
    names = ("", *OWN_LOGGERS, *UVICORN_LOGGERS, OPENSEARCH_LOGGER, *settings.loggers)
    loggers = [logging.getLogger(name) for name in names]
    saved = [
        (logger, logger.level, logger.handlers[:], logger.filters[:], logger.propagate) for logger in loggers
    ]
    logging.config.dictConfig(logging_config(settings))
    try:
        yield
    finally:
        for logger, level, handlers, filters, propagate in saved:
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.filters[:] = filters
            logger.propagate = propagate


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]


async def _serve_some_requests(backend_api: BackendApi) -> None:
    api = backend_api.client
    await api.post("/tasques", json={"queue": "q", "kind": "k", "id": "a"})
    await backend_api.make_searchable()
    await api.post("/tasques/claims", json={"queues": ["q"], "amount": 1}, headers=WORKER)
    await api.put("/tasques/done/q/a", json={}, headers=WORKER)


@pytest.mark.parametrize("client_level", [None, "info"])
async def test_store_clients_log_at_warning_unless_a_logger_level_says_otherwise(
    backend_api: BackendApi, capsys: pytest.CaptureFixture[str], client_level: LogLevel | None
) -> None:
    loggers: dict[str, LogLevel] = {} if client_level is None else dict.fromkeys(CLIENT_LOGGERS, client_level)
    with configured(ObservabilitySettings(log_format="json", loggers=loggers)):
        capsys.readouterr()
        await _serve_some_requests(backend_api)
        with TracerProvider().get_tracer("test").start_as_current_span("work") as span:
            logging.getLogger("app.maintenance.test").info("reaped 3 tasks")
        lines = _lines(capsys)

    (own,) = [line for line in lines if line["logger"] == "app.maintenance.test"]
    assert (own["level"], own["message"]) == ("INFO", "reaped 3 tasks")
    assert own["trace_id"] == format(span.get_span_context().trace_id, "032x")
    client_lines = [line for line in lines if line["logger"].startswith(CLIENT_LOGGERS)]
    if client_level is None or backend_api.backend == "sqlite":
        assert client_lines == []
    else:
        assert client_lines
        assert "INFO" in {line["level"] for line in client_lines}  # a line per request


def test_logger_levels_default_and_override() -> None:
    settings = ObservabilitySettings(log_level="debug", loggers={"httpx": "error", "app.storage": "warning"})
    with configured(settings):
        assert logging.getLogger("elastic_transport.transport").getEffectiveLevel() == logging.WARNING
        assert logging.getLogger("opensearch").getEffectiveLevel() == logging.WARNING
        assert logging.getLogger("httpx").getEffectiveLevel() == logging.ERROR
        assert logging.getLogger("app.services.claims").getEffectiveLevel() == logging.DEBUG
        assert logging.getLogger("app.storage.sqlite").getEffectiveLevel() == logging.WARNING
        assert logging.getLogger("uvicorn.error").getEffectiveLevel() == logging.DEBUG


def _opensearch_request_failure(status: int | str) -> logging.LogRecord:
    return logging.getLogger("opensearch").makeRecord(
        "opensearch", logging.WARNING, "base.py", 280, "%s %s [status:%s request:%.3fs]",
        ("PUT", "http://engine/tq_q/_doc/a", status, 0.01), None,
    )  # fmt: skip


def test_opensearch_lines_for_expected_answers_are_dropped_and_failures_kept() -> None:
    with configured(ObservabilitySettings()):
        opensearch = logging.getLogger("opensearch")
        kept = {
            status: opensearch.filter(_opensearch_request_failure(status))
            for status in (404, 409, 503, "N/A")
        }
    with configured(ObservabilitySettings(loggers={"opensearch": "info"})):
        asked_for = logging.getLogger("opensearch").filter(_opensearch_request_failure(409))

    assert kept == {404: False, 409: False, 503: True, "N/A": True}
    assert asked_for
