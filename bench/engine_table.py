"""The search-engine table: the engine at ``TASQUES_BENCH_ES_URL``, or one OpenSearch node the bench starts.

Without a URL, ``tests.support.engine`` starts a single OpenSearch 2.19.6 node from Maven Central jars
(heap 512 MB, loopback) and it is stopped when the table is done; its JVM shares this machine's cores
with the servers and the load generator, so its CPU is reported beside theirs. In order: the raw
``_bulk`` ceiling, our two end-to-end loads on one server, the naive seed pattern straight on the engine,
the batch load again over two servers (and its ratio to one server's), enqueue→claim latency with a
second server, 409 waste with four, memory.

Targets are printed beside the figures (met / NOT met) and never asserted.
"""

import resource
from dataclasses import dataclass
from pathlib import Path

from app.storage.elasticsearch.indices import IndexNames
from bench import raw_es
from bench.backends import ElasticsearchBackend
from bench.latency import Percentiles, enqueue_to_claim
from bench.load import Mode
from bench.naive_engine import NaiveResult, naive_seed_pattern
from bench.processes import ServerProcess, cpu_seconds, peak_rss_bytes, start_servers
from bench.report import BackendReport, Row, cpu_share
from bench.scenarios import Measured, measure_load, workload
from bench.server_metrics import claim_writes
from bench.sizes import Sizes
from tests.support.elasticsearch import EngineUnderTest
from tests.support.engine import EngineCluster, EngineUnavailable, start_engine

REFRESH_INTERVAL_MS = 1000.0
"""``index.refresh_interval``: the engines' default, which the task index template leaves alone."""


@dataclass(frozen=True)
class EngineTargets:
    ceiling_share: float = 0.5
    naive_factor: float = 20.0
    conflict_share: float = 0.10
    two_server_factor: float = 1.6
    latency_margin_ms: float = 50.0
    rss_mb: float = 150.0


@dataclass
class _Node:
    """The started node's JVM (absent for an engine at a URL): CPU time and resident memory."""

    pid: int | None
    rss_by_phase: list[tuple[str, float]]

    def cpu(self) -> float:
        return cpu_seconds(self.pid) if self.pid else 0.0

    def sample(self, phase: str) -> None:
        if self.pid:
            self.rss_by_phase.append((phase, _status_mb(self.pid, "VmRSS")))


def _status_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024 / 1e6
    return 0.0


def search_engine_report(url: str | None, sizes: Sizes, *, workdir: Path) -> BackendReport:
    """The table for the engine at ``url``, or for a node started (and stopped) here when ``url`` is None."""
    cluster: EngineCluster | None = None
    if url is None:
        print("\n== OpenSearch: starting a node from Maven Central jars", flush=True)
        try:
            cluster = start_engine(nodes=1)
        except EngineUnavailable as error:
            report = BackendReport(title="OpenSearch — not run")
            report.notes.append(f"no node could be started: {error}")
            return report
        url = cluster.url
    try:
        engine = raw_es.describe_engine(url)
        backend = ElasticsearchBackend(url)
        node = _Node(cluster.nodes[0].pid if cluster else None, [])
        origin = (
            f"one node started by the bench ({cluster.startup_seconds:.0f} s to start, heap 512 MB)"
            if cluster
            else "the cluster at TASQUES_BENCH_ES_URL"
        )
        report = BackendReport(title=f"{backend.name} — {backend.description}; {origin}")
        _run(report, backend, engine, node, sizes, workdir=workdir)
        return report
    finally:
        if cluster is not None:
            cluster.stop()


def _run(
    report: BackendReport,
    backend: ElasticsearchBackend,
    engine: EngineUnderTest,
    node: _Node,
    sizes: Sizes,
    *,
    workdir: Path,
) -> None:
    print(f"\n== {backend.name}", flush=True)
    targets = EngineTargets()
    backend.prepare()
    node.sample("set up")
    servers = start_servers(["server-1"], env=backend.server_env(), log_dir=workdir)
    try:
        _warm_up(servers, sizes)
        ceiling = backend.raw_ceiling(sizes)
        batch, single = _ours(report, servers, node, sizes)
        node.sample("end-to-end")
        naive = _naive(report, backend.names, engine, node, sizes)
        _ratios(report, batch=batch, single=single, naive=naive, ceiling=ceiling, targets=targets)
        servers += start_servers(["server-2"], env=backend.server_env(), log_dir=workdir)
        _two_servers(report, servers, node, sizes, one_server=batch, targets=targets)
        _latencies(report, servers, sizes, targets=targets)
        servers += start_servers(["server-3", "server-4"], env=backend.server_env(), log_dir=workdir)
        _waste(report, servers, node, sizes, targets=targets)
        node.sample("four servers")
        _node_memory(report, node)
    finally:
        for server in servers:
            server.stop()
        backend.cleanup()
    _server_memory(report, servers, targets=targets)


def _warm_up(servers: list[ServerProcess], sizes: Sizes) -> None:
    """One untimed batch run through the server before anything is timed. A node just started runs
    through the JVM's interpreter and cold caches for tens of thousands of documents: without this, the
    first timed figures (the raw ceiling's above all) measured the node's warm-up, not its rate; a
    production node has long been warm."""
    print("  warming the node up: one untimed batch run", flush=True)
    urls = tuple(server.url for server in servers)
    measure_load(servers, workload("batch", sizes, queue="warm-up", urls=urls, tasks=sizes.tasks))


def _cpu(measured: Measured, node_seconds: float) -> str:
    servers = cpu_share(measured.server_cpu_seconds, measured.result.seconds)
    if not node_seconds:
        return servers
    return f"{servers} + node {cpu_share(node_seconds, measured.result.seconds)}"


def _measure(
    servers: list[ServerProcess], node: _Node, mode: Mode, sizes: Sizes, *, queue: str, tasks: int
) -> tuple[Measured, float]:
    before = node.cpu()
    urls = tuple(server.url for server in servers)
    measured = measure_load(servers, workload(mode, sizes, queue=queue, urls=urls, tasks=tasks))
    return measured, node.cpu() - before


def _ours(
    report: BackendReport, servers: list[ServerProcess], node: _Node, sizes: Sizes
) -> tuple[Measured, Measured]:
    shape = (
        f"{sizes.workers} workers x claims of {sizes.claim_amount}, enqueue batches of {sizes.enqueue_batch}"
    )
    names = {
        "batch": f"ours, batch finish ({shape})",
        "single": "ours, one done request per task (plain Tasques clients)",
    }
    results = []
    for mode in ("batch", "single"):
        measured, node_seconds = _measure(servers, node, mode, sizes, queue=f"e2e-{mode}", tasks=sizes.tasks)
        report.add(
            Row(
                measurement=names[mode],
                result=f"{measured.result.rate:,.0f} tasks/s ({measured.result.tasks:,} tasks in {measured.result.seconds:.1f} s)",
                server_cpu=_cpu(measured, node_seconds),
                client_cpu=cpu_share(measured.result.client_cpu_seconds, measured.result.seconds),
            )
        )
        results.append(measured)
    return results[0], results[1]


def _naive(
    report: BackendReport, names: IndexNames, engine: EngineUnderTest, node: _Node, sizes: Sizes
) -> NaiveResult:
    node_before, client_before = node.cpu(), _own_cpu()
    naive = naive_seed_pattern(
        engine,
        names,
        tasks=sizes.naive_tasks,
        producers=sizes.naive_producers,
        workers=sizes.workers,
        seconds=sizes.engine_naive_seconds,
    )
    node_seconds = node.cpu() - node_before
    report.add(
        Row(
            measurement=(
                f"naive seed pattern on the engine, no server: 1 _create per task ({sizes.naive_producers} producers), "
                f"{sizes.workers} workers polling a size-10 search, 1 conditional write per claim, 1 per done"
            ),
            result=(
                f"{naive.rate:,.0f} tasks/s ({naive.tasks:,} tasks in {naive.seconds:.1f} s; "
                f"{naive.conflicts:,} of {naive.claim_writes:,} claim writes lost with 409)"
            ),
            server_cpu=f"node {cpu_share(node_seconds, naive.seconds)}" if node.pid else "",
            client_cpu=cpu_share(_own_cpu() - client_before, naive.seconds),
        )
    )
    return naive


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _ratios(
    report: BackendReport,
    *,
    batch: Measured,
    single: Measured,
    naive: NaiveResult,
    ceiling: float,
    targets: EngineTargets,
) -> None:
    report.add(
        Row(
            measurement=(
                "raw _bulk ceiling, no server: create + conditional claim + conditional done per task, "
                "bulks of the batch sizes, 4 in flight, no search, no forced refresh (the index's periodic 1 s); "
                "timed after an untimed pass of the same size warms the node"
            ),
            result=f"{ceiling:,.0f} tasks/s",
        )
    )
    for name, measured, judged in (("batch finish", batch, True), ("one done per task", single, False)):
        share = measured.result.rate / ceiling
        factor = measured.result.rate / naive.rate
        report.add(
            Row(
                measurement=f"ours ({name}) / raw ceiling",
                result=f"{share:.2f}",
                target=f"≥ {targets.ceiling_share}" if judged else "",
                met=share >= targets.ceiling_share if judged else None,
            )
        )
        report.add(
            Row(
                measurement=f"ours ({name}) / naive seed pattern",
                result=f"{factor:.1f}x",
                target=f"≥ {targets.naive_factor:.0f}x" if judged else "",
                met=factor >= targets.naive_factor if judged else None,
            )
        )


def _two_servers(
    report: BackendReport,
    servers: list[ServerProcess],
    node: _Node,
    sizes: Sizes,
    *,
    one_server: Measured,
    targets: EngineTargets,
) -> None:
    """The batch load with the workers spread over two servers: whether claiming scales with servers
    (the node, not the servers, bounds it when the ratio stays near 1)."""
    measured, node_seconds = _measure(servers, node, "batch", sizes, queue="e2e-batch-two", tasks=sizes.tasks)
    report.add(
        Row(
            measurement="ours, batch finish, two server processes on the engine",
            result=f"{measured.result.rate:,.0f} tasks/s ({measured.result.tasks:,} tasks in {measured.result.seconds:.1f} s)",
            server_cpu=_cpu(measured, node_seconds),
            client_cpu=cpu_share(measured.result.client_cpu_seconds, measured.result.seconds),
        )
    )
    factor = measured.result.rate / one_server.result.rate
    report.add(
        Row(
            measurement="ours (batch finish), two servers / one server",
            result=f"{factor:.2f}x",
            target=f"≥ {targets.two_server_factor}x",
            met=factor >= targets.two_server_factor,
        )
    )


def _latencies(
    report: BackendReport, servers: list[ServerProcess], sizes: Sizes, *, targets: EngineTargets
) -> None:
    first, second = servers[0], servers[1]
    same = enqueue_to_claim(first.url, first.url, queue="latency-same", samples=sizes.latency_samples)
    other = enqueue_to_claim(first.url, second.url, queue="latency-other", samples=sizes.latency_samples)
    limit = REFRESH_INTERVAL_MS + targets.latency_margin_ms
    for where, measured, judged in (("the same server", same, False), ("another server", other, True)):
        report.add(
            Row(
                measurement=f"enqueue→claim p50 / p95, enqueued on server 1, claimer blocked on {where} ({measured.samples} samples)",
                result=_p50_p95(measured),
                target=f"p50 ≤ refresh {REFRESH_INTERVAL_MS:.0f} ms + {targets.latency_margin_ms:.0f} ms"
                if judged
                else "",
                met=measured.p50_ms <= limit if judged else None,
            )
        )


def _p50_p95(measured: Percentiles) -> str:
    return f"{measured.p50_ms:.0f} / {measured.p95_ms:.0f} ms"


def _waste(
    report: BackendReport, servers: list[ServerProcess], node: _Node, sizes: Sizes, *, targets: EngineTargets
) -> None:
    queue = "four-servers"
    before = [claim_writes(server.url, queue=queue) for server in servers]
    measured, node_seconds = _measure(servers, node, "batch", sizes, queue=queue, tasks=sizes.conflict_tasks)
    after = [claim_writes(server.url, queue=queue) for server in servers]
    claimed = sum(a.claimed - b.claimed for a, b in zip(after, before, strict=True))
    conflicts = sum(a.conflicts - b.conflicts for a, b in zip(after, before, strict=True))
    share = conflicts / max(claimed + conflicts, 1)
    report.add(
        Row(
            measurement=f"409 waste, {len(servers)} servers claiming from one queue: lost claim writes / claim writes",
            result=f"{share:.1%} ({conflicts:,.0f} / {claimed + conflicts:,.0f}), at {measured.result.rate:,.0f} tasks/s",
            server_cpu=_cpu(measured, node_seconds),
            client_cpu=cpu_share(measured.result.client_cpu_seconds, measured.result.seconds),
            target=f"≤ {targets.conflict_share:.0%}",
            met=share <= targets.conflict_share,
        )
    )


def _node_memory(report: BackendReport, node: _Node) -> None:
    if node.pid is None:
        return
    phases = ", ".join(f"{phase} {rss:.0f} MB" for phase, rss in node.rss_by_phase)
    report.add(
        Row(
            measurement="OpenSearch node JVM resident memory (VmRSS) after each phase; peak (VmHWM)",
            result=f"{phases}; peak {peak_rss_bytes(node.pid) / 1e6:.0f} MB",
        )
    )


def _server_memory(report: BackendReport, servers: list[ServerProcess], *, targets: EngineTargets) -> None:
    peaks = {server.name: server.peak_rss / 1e6 for server in servers}
    report.add(
        Row(
            measurement="peak RSS per server process (VmHWM)",
            result=", ".join(f"{name} {peak:.0f} MB" for name, peak in peaks.items()),
            target=f"≤ {targets.rss_mb:.0f} MB each",
            met=max(peaks.values()) <= targets.rss_mb,
        )
    )
