"""Builds the ``SearchEngine`` adapter for the configured engine; no I/O until the first call."""

from app.storage.elasticsearch.engine import EngineName, SearchEngine
from app.storage.elasticsearch.engine_elasticsearch import ElasticsearchEngine
from app.storage.elasticsearch.engine_opensearch import OpenSearchEngine


def connect_engine(
    engine: EngineName,
    urls: list[str],
    *,
    username: str | None = None,
    password: str | None = None,
    request_timeout: float = 10.0,
    ca_certs: str | None = None,
) -> SearchEngine:
    adapter = ElasticsearchEngine if engine == "elasticsearch" else OpenSearchEngine
    return adapter.connect(
        urls, username=username, password=password, request_timeout=request_timeout, ca_certs=ca_certs
    )
