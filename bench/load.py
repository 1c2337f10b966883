"""End-to-end HTTP load: producers enqueue, workers claim and finish, until every task is done.

Three shapes share one loop: ``batch`` (batch enqueue, batch claims, one batch-finish request per claim),
``single`` (the same, but one ``PUT /tasques/done`` per task, as plain Tasques clients do) and ``naive``
(the seed design: one task per enqueue request, claims of one task polled every 100 ms when empty).

Clients run in several processes (asyncio + aiohttp each) so one Python process's CPU does not cap the
rate; each reports its CPU time, so the table can tell which side of the socket was the bottleneck.
aiohttp rather than httpx: on this 2-core machine, where clients and servers share the cores, an httpx
request cost the client about 1.2 ms of CPU against 0.15 ms for aiohttp (measured side by side against
one server's ``/version``), so with httpx the load generator, not the server, bounded the one-done-per-
task rows. A shared counter of finished tasks tells every worker when to stop.
"""

import asyncio
import multiprocessing
import resource
import time
import traceback
from dataclasses import dataclass
from multiprocessing.sharedctypes import Synchronized
from typing import Any, Literal

import aiohttp

Mode = Literal["batch", "single", "naive"]
WORKER_HEADER = "X-TASQUES-WORKER-ID"
_NAIVE_POLL_SECONDS = 0.1
_BLOCK_FOR = "1s"


@dataclass(frozen=True, kw_only=True)
class Workload:
    mode: Mode
    tasks: int
    workers: int
    claim_amount: int
    enqueue_batch: int
    producers: int
    queue: str
    urls: tuple[str, ...]
    client_processes: int


@dataclass(frozen=True)
class LoadResult:
    tasks: int
    seconds: float
    client_cpu_seconds: float

    @property
    def rate(self) -> float:
        return self.tasks / self.seconds


async def expect(response: aiohttp.ClientResponse, status: int = 200) -> Any:
    """The response's JSON body, after checking its status; releases the connection either way."""
    async with response:
        if response.status != status:
            text = await response.text()
            raise RuntimeError(f"{response.method} {response.url}: {response.status} {text[:300]}")
        return await response.json()


async def _enqueue_batches(
    client: aiohttp.ClientSession, url: str, *, queue: str, count: int, batch: int
) -> None:
    for start in range(0, count, batch):
        size = min(batch, count - start)
        tasks = [{"queue": queue, "kind": "bench", "args": {"n": start + i}} for i in range(size)]
        body = await expect(await client.post(f"{url}/tasques/batch", json={"tasks": tasks}))
        if body["created"] != size:
            raise RuntimeError(f"batch enqueue created {body['created']} of {size}")


async def _enqueue_one_by_one(client: aiohttp.ClientSession, url: str, *, queue: str, count: int) -> None:
    for number in range(count):
        task = {"queue": queue, "kind": "bench", "args": {"n": number}}
        await expect(await client.post(f"{url}/tasques", json=task), 201)


async def finish_batch(client: aiohttp.ClientSession, url: str, worker_id: str, tasks: list[Any]) -> None:
    items = [
        {"queue": task["queue"], "id": task["id"], "outcome": "done", "lease_token": task["lease_token"]}
        for task in tasks
    ]
    response = await client.post(
        f"{url}/tasques/batch/finish", json={"items": items}, headers={WORKER_HEADER: worker_id}
    )
    body = await expect(response)
    if body["succeeded"] != len(items):
        raise RuntimeError(f"batch finish: {body['failed']} of {len(items)} failed: {body['results'][:2]}")


async def _finish_one_by_one(
    client: aiohttp.ClientSession, url: str, worker_id: str, tasks: list[Any]
) -> None:
    for task in tasks:
        path = f"{url}/tasques/done/{task['queue']}/{task['id']}"
        await expect(await client.put(path, json={}, headers={WORKER_HEADER: worker_id}))


@dataclass
class _Progress:
    done: "Synchronized[int]"
    total: int
    last_done_at: float = 0.0

    def add(self, count: int) -> None:
        with self.done.get_lock():
            self.done.value += count
        self.last_done_at = time.monotonic()

    @property
    def finished(self) -> bool:
        return self.done.value >= self.total


async def _work(
    client: aiohttp.ClientSession, workload: Workload, url: str, worker_id: str, progress: _Progress
) -> None:
    naive = workload.mode == "naive"
    claim = {
        "queues": [workload.queue],
        "amount": 1 if naive else workload.claim_amount,
        "block_for": "0s" if naive else _BLOCK_FOR,
    }
    while not progress.finished:
        response = await client.post(f"{url}/tasques/claims", json=claim, headers={WORKER_HEADER: worker_id})
        tasks: list[Any] = await expect(response)
        if not tasks:
            if naive:
                await asyncio.sleep(_NAIVE_POLL_SECONDS)
            continue
        if workload.mode == "batch":
            await finish_batch(client, url, worker_id, tasks)
        else:
            await _finish_one_by_one(client, url, worker_id, tasks)
        progress.add(len(tasks))


def _share(total: int, parts: int, index: int) -> int:
    return total // parts + (1 if index < total % parts else 0)


async def _client(workload: Workload, index: int, progress: _Progress) -> None:
    processes, urls = workload.client_processes, workload.urls
    connector = aiohttp.TCPConnector(limit=workload.workers + workload.producers + 4)
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as client:
        jobs = []
        for producer in range(index, workload.producers, processes):
            count = _share(workload.tasks, workload.producers, producer)
            url = urls[producer % len(urls)]
            if workload.mode == "naive":
                jobs.append(_enqueue_one_by_one(client, url, queue=workload.queue, count=count))
            else:
                jobs.append(
                    _enqueue_batches(
                        client, url, queue=workload.queue, count=count, batch=workload.enqueue_batch
                    )
                )
        for worker in range(index, workload.workers, processes):
            url = urls[worker % len(urls)]
            jobs.append(_work(client, workload, url, f"bench-{workload.mode}-{worker}", progress))
        await asyncio.gather(*jobs)


def _cpu_now() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _client_main(
    workload: Workload,
    index: int,
    done: "Synchronized[int]",
    ready: Any,
    start: Any,
    results: Any,
) -> None:
    try:
        progress = _Progress(done=done, total=workload.tasks)
        ready.wait()
        start.wait()
        cpu_before = _cpu_now()
        asyncio.run(_client(workload, index, progress))
        results.put(("ok", progress.last_done_at, _cpu_now() - cpu_before))
    except BaseException:
        results.put(("error", traceback.format_exc(), 0.0))


def run_load(workload: Workload) -> LoadResult:
    """Run ``workload`` to completion; the clock starts when every client process is ready."""
    context = multiprocessing.get_context("spawn")
    done = context.Value("q", 0)
    ready = context.Barrier(workload.client_processes + 1)
    start = context.Event()
    results = context.Queue()
    processes = [
        context.Process(target=_client_main, args=(workload, index, done, ready, start, results), daemon=True)
        for index in range(workload.client_processes)
    ]
    for process in processes:
        process.start()
    outcomes: list[Any] = []
    try:
        ready.wait(timeout=60)
        started = time.monotonic()
        start.set()
        for _ in processes:
            outcome = results.get(timeout=1800)
            if outcome[0] == "error":
                raise RuntimeError(f"a client process failed:\n{outcome[1]}")
            outcomes.append(outcome)
    finally:
        for process in processes:
            if len(outcomes) < len(processes):  # failed or interrupted: stop the others now
                process.terminate()
            process.join(timeout=10)
    finished = max(outcome[1] for outcome in outcomes)
    return LoadResult(
        tasks=workload.tasks,
        seconds=finished - started,
        client_cpu_seconds=sum(outcome[2] for outcome in outcomes),
    )
