"""A search-engine task store for tests, always on a real engine.

With ``TASQUES_TEST_ES_URL`` set (optionally ``TASQUES_TEST_ES_USERNAME``, ``TASQUES_TEST_ES_PASSWORD``,
``TASQUES_TEST_ES_CA_CERTS``) the tests use that cluster, Elasticsearch or OpenSearch (its root answer
says which). Otherwise one OpenSearch node assembled from Maven Central jars (``tests.support.engine``)
is started on first use in this process and stopped at exit. Every harness gets its own index prefix and
removes its indices, aliases, templates and lifecycle policies on exit, so tests can share a cluster and
run in parallel. Lifecycle management (ILM on Elasticsearch, ISM on OpenSearch) is on wherever the
engine has it; scripted updates are always on, as in production.
"""

import asyncio
import atexit
import os
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Unpack

import httpx

from app.storage.elasticsearch import ElasticsearchTaskStore, StoreOptions
from app.storage.elasticsearch.engine import EngineName, EngineNotFound, SearchEngine
from app.storage.elasticsearch.engine_connect import connect_engine

ES_URL_VARIABLE = "TASQUES_TEST_ES_URL"


class EngineRestError(Exception):
    def __init__(self, status: int, text: str) -> None:
        super().__init__(f"{status}: {text}")
        self.status = status


@dataclass(frozen=True)
class EngineUnderTest:
    """The engine the tests run on."""

    url: str
    engine: EngineName
    version: str
    lifecycle: bool
    """ILM (Elasticsearch) or ISM (OpenSearch) is installed."""
    credentials: tuple[str, str] | None = None
    ca_certs: str | None = None

    @property
    def description(self) -> str:
        return f"{self.engine} {self.version} at {self.url}"

    async def rest(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """One raw REST call to the engine (see ``ElasticsearchHarness.rest``)."""
        verify: str | bool = self.ca_certs or True
        async with httpx.AsyncClient(auth=self.credentials, verify=verify, timeout=60.0) as http:
            response = await http.request(
                method,
                self.url + path,
                json=body,
                params={k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()},
            )
        if response.status_code >= 400:
            raise EngineRestError(response.status_code, response.text)
        return response.json() if response.content else None

    def client(self, *, request_timeout: float = 30.0) -> SearchEngine:
        username, password = self.credentials if self.credentials else (None, None)
        return connect_engine(
            self.engine,
            [self.url],
            username=username,
            password=password,
            request_timeout=request_timeout,
            ca_certs=self.ca_certs,
        )

    def storage_settings(self, *, url: str | None = None, **section: Any) -> dict[str, Any]:
        """The ``storage`` settings of a server on this engine (``url`` overrides, e.g. a proxy's)."""
        options: dict[str, Any] = {"urls": [url or self.url], "ilm_enabled": self.lifecycle, **section}
        if self.credentials:
            options["username"], options["password"] = self.credentials
        if self.ca_certs:
            options["ca_certs"] = self.ca_certs
        return {"backend": self.engine, self.engine: options}

    def server_environment(self, *, index_prefix: str, url: str | None = None) -> dict[str, str]:
        """``TASQUES_*`` variables for a server process on this engine under ``index_prefix``."""
        section = f"TASQUES_STORAGE__{self.engine.upper()}__"
        environment = {
            "TASQUES_STORAGE__BACKEND": self.engine,
            f"{section}URLS": f'["{url or self.url}"]',
            f"{section}INDEX_PREFIX": index_prefix,
            f"{section}ILM_ENABLED": "true" if self.lifecycle else "false",
        }
        if self.credentials:
            environment[f"{section}USERNAME"], environment[f"{section}PASSWORD"] = self.credentials
        return environment


_engine: EngineUnderTest | None = None
_engine_lock = threading.Lock()


def describe_engine(
    url: str, credentials: tuple[str, str] | None = None, ca_certs: str | None = None
) -> EngineUnderTest:
    """The engine at ``url``: which one, its version, and whether it has ILM (Elasticsearch) or ISM
    (OpenSearch), so stores and servers get matching lifecycle settings."""
    verify: str | bool = ca_certs or True
    with httpx.Client(auth=credentials, verify=verify, timeout=30.0) as http:
        version = http.get(url).raise_for_status().json()["version"]
        engine: EngineName = "opensearch" if version.get("distribution") == "opensearch" else "elasticsearch"
        path = "/_plugins/_ism/policies" if engine == "opensearch" else "/_ilm/policy"
        lifecycle = http.get(url + path).status_code == 200
    return EngineUnderTest(url, engine, str(version["number"]), lifecycle, credentials, ca_certs)


def _configured_engine() -> EngineUnderTest | None:
    url = os.environ.get(ES_URL_VARIABLE)
    if not url:
        return None
    username = os.environ.get("TASQUES_TEST_ES_USERNAME")
    credentials = (username, os.environ.get("TASQUES_TEST_ES_PASSWORD", "")) if username else None
    return describe_engine(url.rstrip("/"), credentials, os.environ.get("TASQUES_TEST_ES_CA_CERTS"))


def running_engine() -> EngineUnderTest:
    """The configured cluster, or this process's OpenSearch node (started on first call)."""
    global _engine
    with _engine_lock:
        if _engine is None:
            _engine = _configured_engine()
            if _engine is not None:
                _record_for_ci(_engine)
        if _engine is None:
            from tests.support.engine import start_engine

            cluster = start_engine(nodes=1)
            atexit.register(cluster.stop)
            _engine = describe_engine(cluster.url, None, None)
            _record_for_ci(_engine)
        return _engine


def _record_for_ci(engine: EngineUnderTest) -> None:
    """.ci/run names the engine the search-engine tier ran on from this file."""
    artifacts = Path(".ci-artifacts")
    if artifacts.is_dir():
        lifecycle = "ILM" if engine.engine == "elasticsearch" else "ISM"
        state = "installed" if engine.lifecycle else "absent"
        (artifacts / "engine.txt").write_text(
            f"{engine.engine} {engine.version} ({lifecycle} {state}; {'configured' if os.environ.get(ES_URL_VARIABLE) else 'started from Maven Central jars'})\n"
        )


async def engine_under_test() -> EngineUnderTest:
    return await asyncio.to_thread(running_engine)


class ForwardingEngine:
    """The real engine behind a store under test: every call is forwarded, and subclasses record the
    calls they override. Closing the store leaves the real client to the harness, which closes it."""

    def __init__(self, inner: SearchEngine) -> None:
        self._inner = inner

    async def close(self) -> None:
        """The harness closes the real client."""

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


@dataclass
class ElasticsearchHarness:
    store: ElasticsearchTaskStore
    client: SearchEngine
    engine: EngineUnderTest
    index_prefix: str

    async def make_searchable(self) -> None:
        """Refresh this harness's indices. Test-only: the store never forces a refresh itself."""
        await self.client.indices.refresh(
            index=f"{self.index_prefix}*", ignore_unavailable=True, allow_no_indices=True
        )

    def sibling_store(self, **store_kwargs: Unpack[StoreOptions]) -> ElasticsearchTaskStore:
        """Another store on the same prefix and client, like a second server; do not close it."""
        store_kwargs["index_prefix"] = self.index_prefix
        store_kwargs.setdefault("ilm_enabled", self.engine.lifecycle)
        return ElasticsearchTaskStore(self.client, **store_kwargs)

    async def remove_everything(self) -> None:
        await remove_prefix(self.client, self.store, lifecycle=self.engine.lifecycle)

    async def rest(self, method: str, path: str, body: Any = None, **params: Any) -> Any:
        """A raw REST call for what the store's seam does not cover (mappings, settings, aliases,
        lifecycle explain...); plain JSON, which both engines accept. Raises on an error status."""
        return await self.engine.rest(method, path, body, **params)


async def remove_prefix(client: SearchEngine, store: ElasticsearchTaskStore, *, lifecycle: bool) -> None:
    """Delete every index, template and lifecycle policy under the store's prefix."""
    # Resolve names first: Elasticsearch 8 refuses wildcard index deletes (destructive_requires_name).
    indices = await client.indices.get(
        index=f"{store.names.prefix}*", ignore_unavailable=True, allow_no_indices=True, expand_wildcards="all"
    )
    # Aliases go with their indices; a lifecycle policy can only be deleted once no index uses it.
    if indices:
        await client.indices.delete(index=list(indices))
    names = store.names
    for template in (names.task_template, names.archive_template, names.events_template):
        with suppress(EngineNotFound):
            await client.indices.delete_index_template(name=template)
    if lifecycle:
        for policy in (names.archive_policy, names.events_policy):
            with suppress(EngineNotFound):
                await client.delete_rollover_policy(policy)


@asynccontextmanager
async def elasticsearch_harness(
    *, set_up: bool = True, **store_kwargs: Unpack[StoreOptions]
) -> AsyncIterator[ElasticsearchHarness]:
    """Yield a store under a fresh prefix (set up unless ``set_up=False``); clean up afterwards."""
    engine = await engine_under_test()
    prefix = store_kwargs.pop("index_prefix", None) or f"tq{secrets.token_hex(4)}_"
    async with AsyncExitStack() as stack:
        client = engine.client()
        store_kwargs["index_prefix"] = prefix
        store_kwargs.setdefault("ilm_enabled", engine.lifecycle)
        store = ElasticsearchTaskStore(client, **store_kwargs)
        # Closing the store closes the client; registered before anything else can fail.
        stack.push_async_callback(store.close)
        harness = ElasticsearchHarness(store=store, client=client, engine=engine, index_prefix=prefix)
        stack.push_async_callback(harness.remove_everything)
        if set_up:
            await store.setup()
        yield harness
