"""Latencies: enqueue to claim with a claimer already blocked, and single claims against a backlog."""

import asyncio
import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import aiohttp

from bench.load import WORKER_HEADER, expect, finish_batch

_WORKER = "bench-latency"


@dataclass(frozen=True)
class Percentiles:
    p50_ms: float
    p99_ms: float
    samples: int
    p95_ms: float = 0.0

    @classmethod
    def of(cls, seconds: Sequence[float]) -> "Percentiles":
        ordered = sorted(seconds)

        def rank(fraction: float) -> float:  # nearest-rank percentile
            return 1000 * ordered[max(math.ceil(fraction * len(ordered)) - 1, 0)]

        return cls(p50_ms=rank(0.50), p99_ms=rank(0.99), samples=len(ordered), p95_ms=rank(0.95))

    def __str__(self) -> str:
        return f"{self.p50_ms:.1f} / {self.p99_ms:.1f} ms"


async def _enqueue_to_claim(
    producer: str, claimer: str, *, queue: str, samples: int, recheck_seconds: float
) -> list[float]:
    rng = random.Random(7)
    claim = {"queues": [queue], "amount": 1, "block_for": "30s"}
    latencies = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as client:
        for _ in range(samples):
            blocked = asyncio.ensure_future(
                client.post(f"{claimer}/tasques/claims", json=claim, headers={WORKER_HEADER: _WORKER})
            )
            # A random pause puts the enqueue at a random point of the claimer's re-check cycle.
            await asyncio.sleep(rng.uniform(0.03, 0.03 + recheck_seconds))
            started = time.perf_counter()
            await expect(
                await client.post(f"{producer}/tasques", json={"queue": queue, "kind": "bench"}), 201
            )
            tasks: list[Any] = await expect(await blocked)
            latencies.append(time.perf_counter() - started)
            if len(tasks) != 1:
                raise RuntimeError(f"the blocked claimer got {len(tasks)} tasks instead of 1")
            await finish_batch(client, claimer, _WORKER, tasks)
    return latencies


def enqueue_to_claim(
    producer: str, claimer: str, *, queue: str, samples: int, recheck_seconds: float = 0.2
) -> Percentiles:
    """From sending a single enqueue to the blocked claimer's response carrying that task."""
    return Percentiles.of(
        asyncio.run(
            _enqueue_to_claim(
                producer, claimer, queue=queue, samples=samples, recheck_seconds=recheck_seconds
            )
        )
    )


async def _claim_latencies(url: str, *, queue: str, samples: int, warmup: int) -> list[float]:
    claim = {"queues": [queue], "amount": 1, "block_for": "0s"}
    latencies = []
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as client:
        for number in range(warmup + samples):
            started = time.perf_counter()
            response = await client.post(
                f"{url}/tasques/claims", json=claim, headers={WORKER_HEADER: _WORKER}
            )
            claimed = await expect(response)
            elapsed = time.perf_counter() - started
            if len(claimed) != 1:
                raise RuntimeError(f"a claim from the {queue} backlog came back empty")
            if number >= warmup:
                latencies.append(elapsed)
    return latencies


def claim_latency(url: str, *, queue: str, samples: int, warmup: int = 5) -> Percentiles:
    """Sequential one-task claims (``block_for`` 0) from a queue holding a backlog; the tasks stay claimed."""
    return Percentiles.of(asyncio.run(_claim_latencies(url, queue=queue, samples=samples, warmup=warmup)))
