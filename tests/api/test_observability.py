"""Metrics move under load, store calls are traced, and a producer's trace reaches its worker."""

import json
import logging
import logging.config
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client.parser import text_string_to_metric_families

from app.components import build_app, build_components
from app.config import Settings
from app.observability.logs import logging_config
from app.observability.settings import ObservabilitySettings
from app.storage.sqlite import SqliteTaskStore
from tests.api.conftest import WORKER, claim, enqueue

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_metrics_move_under_load(api: httpx.AsyncClient) -> None:
    before = _samples((await api.get("/metrics")).text)
    for task_id in ("a", "b", "c"):
        await enqueue(api, id=task_id)
    claimed = await claim(api, amount=2)
    await api.put(f"/tasques/done/q/{claimed[0]['id']}", json={}, headers=WORKER)
    await api.put(f"/tasques/failed/q/{claimed[1]['id']}", json={"data": {"e": 1}}, headers=WORKER)

    after = _samples((await api.get("/metrics")).text)

    def moved(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert moved("tasques_tasks_enqueued_total", queue="q") == 3
    assert moved("tasques_tasks_claimed_total", queue="q") == 2
    assert moved("tasques_task_outcomes_total", queue="q", outcome="done") == 1
    assert moved("tasques_task_outcomes_total", queue="q", outcome="failed") == 1
    assert moved("tasques_claim_request_seconds_count") == 1
    assert moved("tasques_schedule_to_start_seconds_count", queue="q") == 2
    assert after[("tasques_tasks", (("queue", "q"), ("state", "queued")))] == 1
    assert after[("tasques_tasks", (("queue", "q"), ("state", "done")))] == 1
    assert after[("tasques_tasks", (("queue", "q"), ("state", "failed")))] == 1
    assert after[("tasques_oldest_queued_age_seconds", (("queue", "q"),))] >= 0


@pytest.fixture
def spans() -> InMemorySpanExporter:
    return InMemorySpanExporter()


@pytest.fixture
async def traced_api(tmp_path: Path, spans: InMemorySpanExporter) -> AsyncIterator[httpx.AsyncClient]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    components = build_components(Settings(), store=SqliteTaskStore(tmp_path / "t.db"), tracing=provider)
    app = build_app(components)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://tasques") as client,
    ):
        yield client


async def test_store_calls_are_spans_inside_the_request_span(
    traced_api: httpx.AsyncClient, spans: InMemorySpanExporter
) -> None:
    spans.clear()
    await traced_api.post("/tasques", json={"queue": "q", "kind": "k"}, headers={"traceparent": TRACEPARENT})

    finished = {span.name: span for span in spans.get_finished_spans()}
    store_span = finished["store.create_tasks"]
    assert store_span.context is not None
    assert format(store_span.context.trace_id, "032x") == TRACEPARENT.split("-")[1]
    assert store_span.attributes is not None
    assert store_span.attributes["db.system"] == "sqlite"


async def test_the_producers_trace_context_reaches_the_worker(traced_api: httpx.AsyncClient) -> None:
    await traced_api.post("/tasques", json={"queue": "q", "kind": "k"}, headers={"traceparent": TRACEPARENT})
    response = await traced_api.post(
        "/tasques/claims", json={"queues": ["q"], "amount": 1, "block_for": "0s"}, headers=WORKER
    )

    (task,) = response.json()
    assert task["trace_context"]["traceparent"].split("-")[1] == TRACEPARENT.split("-")[1]


def test_json_logs_carry_trace_ids(capsys: pytest.CaptureFixture[str], spans: InMemorySpanExporter) -> None:
    logging.config.dictConfig(logging_config(ObservabilitySettings(log_format="json")))
    provider = TracerProvider()
    try:
        with provider.get_tracer("test").start_as_current_span("work") as span:
            logging.getLogger("tasques.test").warning("hello")
        line = json.loads(capsys.readouterr().err.strip().splitlines()[-1])
    finally:
        logging.config.dictConfig({"version": 1, "disable_existing_loggers": False})

    assert line["message"] == "hello"
    assert line["level"] == "WARNING"
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")


async def test_trace_context_is_kept_even_without_an_exporter(api: httpx.AsyncClient) -> None:
    await api.post("/tasques", json={"queue": "q", "kind": "k"}, headers={"traceparent": TRACEPARENT})
    (task,) = await claim(api)
    assert task["trace_context"]["traceparent"].split("-")[1] == TRACEPARENT.split("-")[1]  # type: ignore[index]


def test_without_a_tracer_provider_the_store_is_used_unwrapped(tmp_path: Path) -> None:
    store = SqliteTaskStore(tmp_path / "t.db")
    assert build_components(Settings(), store=store).store is store


def test_with_a_tracer_provider_each_store_method_is_wrapped_once(tmp_path: Path) -> None:
    store = SqliteTaskStore(tmp_path / "t.db")
    traced_store = build_components(Settings(), store=store, tracing=TracerProvider()).store
    assert traced_store is not store
    assert traced_store.claim_tasks is traced_store.claim_tasks
