"""An Elasticsearch task store for tests: a real cluster when configured, else the osmem emulator.

Set ``TASQUES_TEST_ES_URL`` (optionally ``TASQUES_TEST_ES_USERNAME``, ``TASQUES_TEST_ES_PASSWORD``,
``TASQUES_TEST_ES_CA_CERTS``) to run against a real cluster with scripted updates; otherwise one osmem
process is started per test process and reached through ``emulator_shim``. osmem cannot run painless
scripts and has no ILM (it refuses ``index.lifecycle.*`` settings), so the emulator tier uses
full-document CAS writes and an archive without lifecycle. Every harness gets its own index prefix and
removes its indices, aliases, templates and ILM policies on exit, so tests can share a cluster and run in
parallel.
"""

import asyncio
import atexit
import os
import secrets
import threading
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from typing import Any, Literal, Unpack

from elasticsearch import AsyncElasticsearch, NotFoundError
from osmem_server import OsmemServer

from app.storage.elasticsearch import ElasticsearchTaskStore, StoreOptions

from .emulator_shim import emulator_shim

ES_URL_VARIABLE = "TASQUES_TEST_ES_URL"
Tier = Literal["real", "emulator"]

_emulator: OsmemServer | None = None
_emulator_lock = threading.Lock()


def elasticsearch_tier() -> Tier:
    return "real" if os.environ.get(ES_URL_VARIABLE) else "emulator"


@dataclass
class ElasticsearchHarness:
    store: ElasticsearchTaskStore
    client: AsyncElasticsearch
    tier: Tier
    index_prefix: str

    async def make_searchable(self) -> None:
        """Refresh this harness's indices. Test-only: the store never forces a refresh itself."""
        await self.client.indices.refresh(
            index=f"{self.index_prefix}*", ignore_unavailable=True, allow_no_indices=True
        )

    def sibling_store(self, **store_kwargs: Unpack[StoreOptions]) -> ElasticsearchTaskStore:
        """Another store on the same prefix and client, like a second server; do not close it."""
        store_kwargs["index_prefix"] = self.index_prefix
        _tier_defaults(store_kwargs, self.tier)
        return ElasticsearchTaskStore(self.client, **store_kwargs)

    async def remove_everything(self) -> None:
        # Resolve names first: ES 8 refuses wildcard index deletes (action.destructive_requires_name).
        indices = await self.client.indices.get(
            index=f"{self.index_prefix}*",
            ignore_unavailable=True,
            allow_no_indices=True,
            expand_wildcards="all",
        )
        # Aliases go with their indices; an ILM policy can only be deleted once no index uses it.
        if indices.body:
            await self.client.indices.delete(index=list(indices.body))
        names = self.store.names
        for template in (names.task_template, names.archive_template, names.events_template):
            with suppress(NotFoundError):
                await self.client.indices.delete_index_template(name=template)
        if self.tier == "real":
            for policy in (names.archive_policy, names.events_policy):
                with suppress(NotFoundError):
                    await self.client.ilm.delete_lifecycle(name=policy)


def _tier_defaults(store_kwargs: StoreOptions, tier: Tier) -> None:
    """Scripts and ILM exist on a real cluster only."""
    store_kwargs.setdefault("scripted_updates", tier == "real")
    store_kwargs.setdefault("ilm_enabled", tier == "real")


def _stop_emulator() -> None:
    if _emulator is not None:
        _emulator.close()
        if _emulator.process.stdout is not None:
            _emulator.process.stdout.close()


def _running_emulator() -> OsmemServer:
    global _emulator
    with _emulator_lock:
        if _emulator is None or _emulator.process.poll() is not None:
            _emulator = OsmemServer.start(japanese=False)
            atexit.register(_stop_emulator)
        return _emulator


def real_cluster_client() -> AsyncElasticsearch:
    options: dict[str, Any] = {"request_timeout": 30.0}
    if username := os.environ.get("TASQUES_TEST_ES_USERNAME"):
        options["basic_auth"] = (username, os.environ.get("TASQUES_TEST_ES_PASSWORD", ""))
    if ca_certs := os.environ.get("TASQUES_TEST_ES_CA_CERTS"):
        options["ca_certs"] = ca_certs
    return AsyncElasticsearch(os.environ[ES_URL_VARIABLE], **options)


@asynccontextmanager
async def emulator_url() -> AsyncIterator[str]:
    """The shared osmem process, reached through a shim that lives as long as the block."""
    emulator = await asyncio.to_thread(_running_emulator)
    async with emulator_shim(emulator.url) as shim:
        yield shim.url


@asynccontextmanager
async def elasticsearch_harness(
    *, set_up: bool = True, **store_kwargs: Unpack[StoreOptions]
) -> AsyncIterator[ElasticsearchHarness]:
    """Yield a store under a fresh prefix (set up unless ``set_up=False``); clean up afterwards."""
    tier = elasticsearch_tier()
    prefix = store_kwargs.pop("index_prefix", None) or f"tq{secrets.token_hex(4)}_"
    async with AsyncExitStack() as stack:
        if tier == "real":
            client = real_cluster_client()
        else:
            url = await stack.enter_async_context(emulator_url())
            client = AsyncElasticsearch(url, request_timeout=30.0)
        store_kwargs["index_prefix"] = prefix
        _tier_defaults(store_kwargs, tier)
        store = ElasticsearchTaskStore(client, **store_kwargs)
        # Closing the store closes the client; registered before anything else can fail.
        stack.push_async_callback(store.close)
        harness = ElasticsearchHarness(store=store, client=client, tier=tier, index_prefix=prefix)
        stack.push_async_callback(harness.remove_everything)
        if set_up:
            await store.setup()
        yield harness
