"""The search-engine store without the server: raw ``_bulk`` ceiling, backlog seeding, clean-up.

Elasticsearch or OpenSearch, through the store's own seam (``SearchEngine``, each engine's official
client). The ceiling issues the minimal writes per task: a ``create`` per task, then a conditional
``index`` (``if_seq_no``/``if_primary_term``) for the claim and another for completion, in bulks of the
end-to-end batch sizes, several bulks in flight (the engine, unlike SQLite, takes concurrent writers).
No search and no refresh: those are what a server adds on top of the writes.
"""

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any
from urllib.parse import unquote, urlsplit

from app.storage.documents import Document
from app.storage.elasticsearch.engine import EngineNotFound, SearchEngine
from app.storage.elasticsearch.indices import IndexNames
from bench.documents import DocumentTemplate, server_task_ids, task_stages
from tests.support.elasticsearch import EngineUnderTest
from tests.support.elasticsearch import describe_engine as describe_test_engine

_IN_FLIGHT = 4


def describe_engine(url: str) -> EngineUnderTest:
    """The engine at ``url``, whose credentials may ride in it (``tests.support.elasticsearch``)."""
    parts = urlsplit(url)
    credentials = (unquote(parts.username), unquote(parts.password or "")) if parts.username else None
    bare = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl().rstrip("/")
    return describe_test_engine(bare, credentials)


@asynccontextmanager
async def client(engine: EngineUnderTest) -> AsyncIterator[SearchEngine]:
    es = engine.client(request_timeout=120)
    try:
        yield es
    finally:
        await es.close()


async def _bulk(es: SearchEngine, operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = await es.bulk(operations=operations)
    items: list[dict[str, Any]] = [next(iter(item.values())) for item in response["items"]]
    failed = [item for item in items if item.get("status", 500) >= 300]
    if failed:
        raise RuntimeError(f"raw bulk: {len(failed)} of {len(items)} failed, e.g. {failed[0]}")
    return items


def _creates(index: str, template: DocumentTemplate, ids: list[str]) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    for task_id in ids:
        operations += [{"create": {"_index": index, "_id": task_id}}, template.document(task_id)]
    return operations


def _conditional_writes(
    index: str, template: DocumentTemplate, written: list[tuple[str, dict[str, Any]]]
) -> list[dict[str, Any]]:
    operations: list[dict[str, Any]] = []
    for task_id, item in written:
        action = {"_index": index, "_id": task_id, "if_seq_no": item["_seq_no"]}
        action["if_primary_term"] = item["_primary_term"]
        document: Document = template.document(task_id)
        operations += [{"index": action}, document]
    return operations


async def _life_cycle(es: SearchEngine, index: str, ids: list[str], claim_batch: int) -> None:
    stages = task_stages("raw")
    queued, claimed, done = (DocumentTemplate(task) for task in (stages.queued, stages.claimed, stages.done))
    created = await _bulk(es, _creates(index, queued, ids))
    for start in range(0, len(ids), claim_batch):
        batch = list(zip(ids[start : start + claim_batch], created[start : start + claim_batch], strict=True))
        claims = await _bulk(es, _conditional_writes(index, claimed, batch))
        await _bulk(
            es, _conditional_writes(index, done, list(zip([i for i, _ in batch], claims, strict=True)))
        )


async def _raw_ceiling(
    engine: EngineUnderTest, names: IndexNames, *, tasks: int, enqueue_batch: int, claim_batch: int
) -> float:
    index = names.queue("raw-ceiling")
    async with client(engine) as es:
        # An untimed pass of the same size first: a node just started runs its first bulks through the
        # JVM's interpreter and cold caches, which measured the ceiling at a third of a warm node's and
        # so flattered every ratio to it (the server's own runs come later, on the warm node).
        await _timed_passes(es, index, tasks=tasks, enqueue_batch=enqueue_batch, claim_batch=claim_batch)
        return tasks / await _timed_passes(
            es, index, tasks=tasks, enqueue_batch=enqueue_batch, claim_batch=claim_batch
        )


async def _timed_passes(
    es: SearchEngine, index: str, *, tasks: int, enqueue_batch: int, claim_batch: int
) -> float:
    """Seconds to take ``tasks`` new tasks through their life cycle, ``_IN_FLIGHT`` batches at a time."""
    ids = server_task_ids(tasks)
    batches = [ids[start : start + enqueue_batch] for start in range(0, tasks, enqueue_batch)]
    started = time.perf_counter()
    for window in range(0, len(batches), _IN_FLIGHT):
        await asyncio.gather(
            *(_life_cycle(es, index, batch, claim_batch) for batch in batches[window : window + _IN_FLIGHT])
        )
    return time.perf_counter() - started


def raw_ceiling(
    engine: EngineUnderTest, names: IndexNames, *, tasks: int, enqueue_batch: int, claim_batch: int
) -> float:
    return asyncio.run(
        _raw_ceiling(engine, names, tasks=tasks, enqueue_batch=enqueue_batch, claim_batch=claim_batch)
    )


async def _seed(engine: EngineUnderTest, index: str, *, queue: str, count: int, chunk: int = 1_000) -> None:
    template = DocumentTemplate(task_stages(queue).queued)
    prefix = uuid.uuid4().hex[:12]
    async with client(engine) as es:
        for start in range(0, count, chunk):
            ids = [f"{prefix}{number:020d}" for number in range(start, min(start + chunk, count))]
            await _bulk(es, _creates(index, template, ids))
        await es.indices.refresh(index=index)  # seeding only: the servers never force a refresh


def seed_backlog(engine: EngineUnderTest, names: IndexNames, *, queue: str, count: int) -> float:
    started = time.perf_counter()
    asyncio.run(_seed(engine, names.queue(queue), queue=queue, count=count))
    return time.perf_counter() - started


async def _remove_everything(engine: EngineUnderTest, names: IndexNames) -> None:
    async with client(engine) as es:
        # Resolve names first: ES 8 refuses wildcard index deletes (action.destructive_requires_name).
        found = await es.indices.get(
            index=names.everything, ignore_unavailable=True, allow_no_indices=True, expand_wildcards="all"
        )
        if found:
            await es.indices.delete(index=list(found))
        for template in (names.task_template, names.archive_template, names.events_template):
            with suppress(EngineNotFound):
                await es.indices.delete_index_template(name=template)
        if engine.lifecycle:  # without ILM/ISM the servers ran with ilm_enabled false: no policies
            for policy in (names.archive_policy, names.events_policy):
                with suppress(EngineNotFound):
                    await es.delete_rollover_policy(policy)


def remove_everything(engine: EngineUnderTest, names: IndexNames) -> None:
    asyncio.run(_remove_everything(engine, names))
