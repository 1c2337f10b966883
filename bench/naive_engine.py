"""The naive seed pattern straight against the search engine, with no Tasques server in between.

What a first queue on Elasticsearch or OpenSearch does: one single-document ``_create`` request per
enqueued task; workers that poll a search for the best 10 queued tasks (``seq_no_primary_term`` on,
sorted by priority then ``run_at``, sleeping 100 ms when it comes back empty) and claim each hit with
its own conditional write (``if_seq_no``/``if_primary_term``), then one more conditional write per task
to mark it done. No forced refresh: the search sees writes at the index's periodic refresh (1 s by
default), so hits stay stale until then and later workers lose their claim writes (409).

The documents are the server's own (``bench.documents``) in the index ``tasques setup`` templated, so
the engine does the same work per write as for the server. One asyncio process drives every producer and
worker: at this pattern's rates its CPU is not the limit. The run stops at a deadline when the pattern is
too slow to finish all of its tasks; the rate is then tasks done over the time taken.
"""

import asyncio
import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from app.storage.elasticsearch.indices import IndexNames
from bench.documents import DocumentTemplate, task_stages
from tests.support.elasticsearch import EngineUnderTest

_SEARCH_SIZE = 10
_POLL_SECONDS = 0.1


@dataclass
class NaiveResult:
    tasks: int
    seconds: float
    claim_writes: int = 0
    conflicts: int = 0

    @property
    def rate(self) -> float:
        return self.tasks / self.seconds


@dataclass(frozen=True, kw_only=True)
class _Run:
    http: httpx.AsyncClient
    index: str
    claimed: DocumentTemplate
    done: DocumentTemplate
    total: int
    deadline: float


def _candidates_query() -> dict[str, Any]:
    return {
        "size": _SEARCH_SIZE,
        "seq_no_primary_term": True,
        "_source": False,
        "query": {"bool": {"filter": [{"term": {"state": "queued"}}, {"range": {"run_at": {"lte": "now"}}}]}},
        "sort": [{"priority": {"order": "desc"}}, {"run_at": {"order": "asc"}}],
    }


def _expect(response: httpx.Response, *statuses: int) -> dict[str, Any]:
    if response.status_code not in statuses:
        raise RuntimeError(
            f"{response.request.method} {response.request.url}: {response.status_code} {response.text[:300]}"
        )
    body: dict[str, Any] = response.json()
    return body


async def _produce(run: _Run, queued: DocumentTemplate, ids: list[str]) -> None:
    for task_id in ids:
        _expect(await run.http.put(f"/{run.index}/_create/{task_id}", json=queued.document(task_id)), 201)


async def _conditional_write(
    run: _Run, template: DocumentTemplate, task_id: str, seq_no: int, primary_term: int
) -> httpx.Response:
    return await run.http.put(
        f"/{run.index}/_doc/{task_id}",
        params={"if_seq_no": seq_no, "if_primary_term": primary_term},
        json=template.document(task_id),
    )


async def _work(run: _Run, result: NaiveResult) -> None:
    query = _candidates_query()
    while result.tasks < run.total and time.monotonic() < run.deadline:
        hits = _expect(await run.http.post(f"/{run.index}/_search", json=query), 200)["hits"]["hits"]
        if not hits:
            await asyncio.sleep(_POLL_SECONDS)
            continue
        for hit in hits:
            claim = await _conditional_write(
                run, run.claimed, hit["_id"], hit["_seq_no"], hit["_primary_term"]
            )
            result.claim_writes += 1
            if claim.status_code == 409:  # a stale hit: another worker claimed it since the last refresh
                result.conflicts += 1
                continue
            written = _expect(claim, 200)
            finished = await _conditional_write(
                run, run.done, hit["_id"], written["_seq_no"], written["_primary_term"]
            )
            _expect(finished, 200)
            result.tasks += 1


async def _naive(
    engine: EngineUnderTest, names: IndexNames, *, tasks: int, producers: int, workers: int, seconds: float
) -> NaiveResult:
    stages = task_stages("naive-engine")
    ids = [uuid.uuid4().hex for _ in range(tasks)]
    limits = httpx.Limits(max_connections=producers + workers + 2)
    async with httpx.AsyncClient(
        base_url=engine.url, auth=engine.credentials, timeout=60.0, limits=limits
    ) as http:
        started = time.monotonic()
        run = _Run(
            http=http,
            index=names.queue("naive-engine"),
            claimed=DocumentTemplate(stages.claimed),
            done=DocumentTemplate(stages.done),
            total=tasks,
            deadline=started + seconds,
        )
        _expect(await http.put(f"/{run.index}"), 200)  # the task template applies; searches find it empty
        result = NaiveResult(tasks=0, seconds=0.0)
        queued = DocumentTemplate(stages.queued)
        await asyncio.gather(
            *(_produce(run, queued, ids[number::producers]) for number in range(producers)),
            *(_work(run, result) for _ in range(workers)),
        )
        result.seconds = time.monotonic() - started
        return result


def naive_seed_pattern(
    engine: EngineUnderTest, names: IndexNames, *, tasks: int, producers: int, workers: int, seconds: float
) -> NaiveResult:
    """Run the pattern until ``tasks`` are done or ``seconds`` have passed."""
    return asyncio.run(
        _naive(engine, names, tasks=tasks, producers=producers, workers=workers, seconds=seconds)
    )
