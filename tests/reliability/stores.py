"""Stores for the reliability tests' in-process servers, and the settings those servers share.

``proxied_elasticsearch`` sets up a fresh index prefix on the engine under test (the cluster of
``TASQUES_TEST_ES_URL``, or the test OpenSearch node) and gives each server its own loopback TCP proxy
to it, so a test can cut or stall the link of one server or of all. Everything is removed afterwards.
"""

from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from app.config import Settings
from tests.reliability.tcp_proxy import TcpProxy, tcp_proxy
from tests.support.elasticsearch import elasticsearch_harness, engine_under_test

JsonObject = dict[str, Any]

# Shrunk so outages and their effects fit in seconds: quick retries, a quick reaper, Retry-After 1 s.
TASKS = {
    "defaults": {"backoff": {"strategy": "fixed", "base": "50ms", "max": "50ms", "jitter": 0}},
    "limits": {"claim_recheck_interval": "100ms"},
}
MAINTENANCE = {"reaper": {"interval": "500ms"}}
SERVER = {"retry_after_seconds": 1, "shutdown_timeout": "5s"}


def server_settings(storage: Mapping[str, Any], *, elector: Mapping[str, str]) -> Settings:
    return Settings.model_validate(
        {
            "storage": storage,
            "tasks": TASKS,
            "maintenance": {**MAINTENANCE, "leader": elector},
            "server": SERVER,
        }
    )


@dataclass
class ProxiedElasticsearch:
    proxies: list[TcpProxy] = field(default_factory=list)
    storage_settings: list[JsonObject] = field(default_factory=list)


@asynccontextmanager
async def proxied_elasticsearch(
    *, servers: int, request_timeout: str = "5s"
) -> AsyncIterator[ProxiedElasticsearch]:
    engine = await engine_under_test()
    if engine.ca_certs or engine.url.startswith("https"):
        pytest.skip("the TCP proxy carries plain HTTP; a TLS cluster would see the proxy's address")
    async with AsyncExitStack() as stack:
        harness = await stack.enter_async_context(elasticsearch_harness())
        es = ProxiedElasticsearch()
        for _ in range(servers):
            proxy = await stack.enter_async_context(tcp_proxy(engine.url))
            es.proxies.append(proxy)
            es.storage_settings.append(
                engine.storage_settings(
                    url=proxy.url,
                    index_prefix=harness.index_prefix,
                    scripted_updates=True,
                    request_timeout=request_timeout,
                )
            )
        yield es
