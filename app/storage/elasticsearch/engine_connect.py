"""Builds the ``SearchEngine`` adapter for the configured engine; no I/O until the first call.

Each adapter's client library is imported only when that engine is chosen: the ``elasticsearch``
client alone adds about 21 MB of resident memory, which an OpenSearch server (and, through
``app.components``, a SQLite one) would otherwise carry for nothing.
"""

from app.storage.elasticsearch.engine import EngineName, SearchEngine


def connect_engine(
    engine: EngineName,
    urls: list[str],
    *,
    username: str | None = None,
    password: str | None = None,
    request_timeout: float = 10.0,
    ca_certs: str | None = None,
) -> SearchEngine:
    if engine == "elasticsearch":
        from app.storage.elasticsearch.engine_elasticsearch import ElasticsearchEngine

        return ElasticsearchEngine.connect(
            urls, username=username, password=password, request_timeout=request_timeout, ca_certs=ca_certs
        )
    from app.storage.elasticsearch.engine_opensearch import OpenSearchEngine

    return OpenSearchEngine.connect(
        urls, username=username, password=password, request_timeout=request_timeout, ca_certs=ca_certs
    )
