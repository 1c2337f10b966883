"""The Elasticsearch store without the server: raw ``_bulk`` ceiling, backlog seeding, clean-up.

The ceiling issues the minimal writes per task with the official client: a ``create`` per task, then a
conditional ``index`` (``if_seq_no``/``if_primary_term``) for the claim and another for completion, in
bulks of the end-to-end batch sizes, several bulks in flight (Elasticsearch, unlike SQLite, takes
concurrent writers). No search and no refresh: those are what a server adds on top of the writes.
"""

import asyncio
import time
import uuid
from contextlib import suppress
from typing import Any

from elasticsearch import AsyncElasticsearch, NotFoundError

from app.storage.documents import Document
from app.storage.elasticsearch.indices import IndexNames
from bench.documents import DocumentTemplate, task_stages

_IN_FLIGHT = 4


def client(url: str) -> AsyncElasticsearch:
    return AsyncElasticsearch(url, request_timeout=120)


async def _bulk(es: AsyncElasticsearch, operations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    response = await es.bulk(operations=operations)
    items: list[dict[str, Any]] = [next(iter(item.values())) for item in response.body["items"]]
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


async def _life_cycle(es: AsyncElasticsearch, index: str, ids: list[str], claim_batch: int) -> None:
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
    url: str, names: IndexNames, *, tasks: int, enqueue_batch: int, claim_batch: int
) -> float:
    ids = [uuid.uuid4().hex for _ in range(tasks)]
    batches = [ids[start : start + enqueue_batch] for start in range(0, tasks, enqueue_batch)]
    index = names.queue("raw-ceiling")
    async with client(url) as es:
        await _bulk(es, _creates(index, DocumentTemplate(task_stages("raw").queued), ["warm-up"]))
        started = time.perf_counter()
        for window in range(0, len(batches), _IN_FLIGHT):
            await asyncio.gather(
                *(
                    _life_cycle(es, index, batch, claim_batch)
                    for batch in batches[window : window + _IN_FLIGHT]
                )
            )
        return tasks / (time.perf_counter() - started)


def raw_ceiling(url: str, names: IndexNames, *, tasks: int, enqueue_batch: int, claim_batch: int) -> float:
    return asyncio.run(
        _raw_ceiling(url, names, tasks=tasks, enqueue_batch=enqueue_batch, claim_batch=claim_batch)
    )


async def _seed(url: str, index: str, *, queue: str, count: int, chunk: int = 1_000) -> None:
    template = DocumentTemplate(task_stages(queue).queued)
    prefix = uuid.uuid4().hex[:12]
    async with client(url) as es:
        for start in range(0, count, chunk):
            ids = [f"{prefix}{number:020d}" for number in range(start, min(start + chunk, count))]
            await _bulk(es, _creates(index, template, ids))
        await es.indices.refresh(index=index)  # seeding only: the servers never force a refresh


def seed_backlog(url: str, names: IndexNames, *, queue: str, count: int) -> float:
    started = time.perf_counter()
    asyncio.run(_seed(url, names.queue(queue), queue=queue, count=count))
    return time.perf_counter() - started


async def _remove_everything(url: str, names: IndexNames) -> None:
    async with client(url) as es:
        # Resolve names first: ES 8 refuses wildcard index deletes (action.destructive_requires_name).
        found = await es.indices.get(
            index=names.everything, ignore_unavailable=True, allow_no_indices=True, expand_wildcards="all"
        )
        if found.body:
            await es.indices.delete(index=list(found.body))
        for template in (names.task_template, names.archive_template, names.events_template):
            with suppress(NotFoundError):
                await es.indices.delete_index_template(name=template)
        for policy in (names.archive_policy, names.events_policy):
            with suppress(Exception):  # absent, or a cluster without ILM: nothing to remove either way
                await es.ilm.delete_lifecycle(name=policy)


def remove_everything(url: str, names: IndexNames) -> None:
    asyncio.run(_remove_everything(url, names))


async def _version(url: str) -> str:
    async with client(url) as es:
        version = (await es.info()).body["version"]
        return f"{version.get('distribution', 'Elasticsearch')} {version['number']}"


def server_version(url: str) -> str:
    return asyncio.run(_version(url))
