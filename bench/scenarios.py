"""One backend's run, in order: raw ceiling, end-to-end loads, latencies, four servers, backlogs, memory.

Server 1 lives through the whole run (so its peak RSS covers everything); servers 2-4 join it on the
same store for the cross-server latency and the conflict count, then leave before the backlogs.
"""

from dataclasses import dataclass
from pathlib import Path

from bench.backends import Backend
from bench.latency import Percentiles, claim_latency, enqueue_to_claim
from bench.load import LoadResult, Mode, Workload, run_load
from bench.processes import ServerProcess, start_servers
from bench.profiling import Sampler, summarise
from bench.report import BackendReport, Row, cpu_share
from bench.sizes import Sizes

CONFLICTS_METRIC = "tasques_version_conflicts_total"


@dataclass(frozen=True)
class Targets:
    batch_rate: float | None = None
    single_rate: float | None = None
    ceiling_share: float | None = None
    same_server_p50_ms: float = 20.0
    backlog_growth: float = 2.0
    rss_mb: float = 150.0


SQLITE_TARGETS = Targets(batch_rate=10_000, single_rate=2_500, ceiling_share=0.2)


@dataclass(frozen=True)
class Measured:
    result: LoadResult
    server_cpu_seconds: float

    def row(self, measurement: str, *, target: float | None) -> Row:
        return Row(
            measurement=measurement,
            result=f"{self.result.rate:,.0f} tasks/s ({self.result.tasks:,} tasks in {self.result.seconds:.1f} s)",
            server_cpu=cpu_share(self.server_cpu_seconds, self.result.seconds),
            client_cpu=cpu_share(self.result.client_cpu_seconds, self.result.seconds),
            target="" if target is None else f"≥ {target:,.0f} tasks/s",
            met=None if target is None else self.result.rate >= target,
        )


def workload(mode: Mode, sizes: Sizes, *, queue: str, urls: tuple[str, ...], tasks: int) -> Workload:
    return Workload(
        mode=mode,
        tasks=tasks,
        workers=sizes.workers,
        claim_amount=sizes.claim_amount,
        enqueue_batch=sizes.enqueue_batch,
        producers=sizes.naive_producers if mode == "naive" else max(sizes.client_processes, len(urls)),
        queue=queue,
        urls=urls,
        client_processes=sizes.client_processes,
    )


def measure_load(servers: list[ServerProcess], load: Workload) -> Measured:
    before = sum(server.cpu_seconds() for server in servers)
    result = run_load(load)
    return Measured(result, sum(server.cpu_seconds() for server in servers) - before)


def run_backend(
    backend: Backend, sizes: Sizes, *, workdir: Path, targets: Targets, profile: bool
) -> BackendReport:
    report = BackendReport(title=f"{backend.name} — {backend.description}")
    print(f"\n== {backend.name}", flush=True)
    backend.prepare()
    ceiling = backend.raw_ceiling(sizes)
    minimal = backend.minimal_ceiling(sizes)
    servers = start_servers(["server-1"], env=backend.server_env(), log_dir=workdir)
    try:
        first = servers[0]
        first.sample_rss("started")
        _throughput(report, first, sizes, ceiling=ceiling, minimal=minimal, targets=targets)
        first.sample_rss("end-to-end")
        if profile:
            report.profile = _profile(first, sizes, workdir=workdir, backend=backend.name)
        servers += start_servers(["server-2"], env=backend.server_env(), log_dir=workdir)
        _scaled_throughput(report, servers, sizes)
        first.sample_rss("two servers")
        _latencies(report, servers, sizes, targets=targets)
        servers += start_servers(["server-3", "server-4"], env=backend.server_env(), log_dir=workdir)
        _conflicts(report, servers, sizes)
        first.sample_rss("conflicts")
        for server in servers[1:]:
            server.stop()
        _backlogs(report, backend, first, sizes, targets=targets)
        first.sample_rss("backlogs")
    finally:
        for server in servers:
            server.stop()
        backend.cleanup()
    _memory(report, servers, targets=targets)
    for row in backend.diagnostics(sizes):
        report.add(row)
    return report


def _throughput(
    report: BackendReport,
    server: ServerProcess,
    sizes: Sizes,
    *,
    ceiling: float,
    minimal: float | None,
    targets: Targets,
) -> None:
    urls = (server.url,)
    batch = measure_load([server], workload("batch", sizes, queue="e2e-batch", urls=urls, tasks=sizes.tasks))
    single = measure_load(
        [server], workload("single", sizes, queue="e2e-single", urls=urls, tasks=sizes.tasks)
    )
    naive = measure_load(
        [server], workload("naive", sizes, queue="naive", urls=urls, tasks=sizes.naive_tasks)
    )
    shape = (
        f"{sizes.workers} workers x claims of {sizes.claim_amount}, enqueue batches of {sizes.enqueue_batch}"
    )
    report.add(batch.row(f"end-to-end, batch finish ({shape})", target=targets.batch_rate))
    report.add(
        single.row(
            "end-to-end, one done request per task (plain Tasques clients)", target=targets.single_rate
        )
    )
    report.add(
        naive.row(
            f"naive baseline: 1 task per request, claims of 1 polled every 100 ms ({sizes.naive_producers} producers)",
            target=None,
        )
    )
    report.add(
        Row(
            measurement="raw store ceiling: create + claim + complete in batches, no server",
            result=f"{ceiling:,.0f} tasks/s",
        )
    )
    if minimal is not None:
        report.add(
            Row(
                measurement="minimal-lifecycle ceiling: insert queued, update to claimed, update to done on a "
                "4-column table (id primary key, queue, state, data), same batches, no server",
                result=f"{minimal:,.0f} tasks/s",
            )
        )
    for name, measured in (("batch finish", batch), ("one done per task", single)):
        report.add(
            Row(
                measurement=f"ours ({name}) / naive",
                result=f"{measured.result.rate / naive.result.rate:.1f}x",
            )
        )
        share = measured.result.rate / ceiling
        wanted = targets.ceiling_share if name == "batch finish" else None
        report.add(
            Row(
                measurement=f"ours ({name}) / raw ceiling",
                result=f"{share:.2f}",
                target="" if wanted is None else f"≥ {wanted}",
                met=None if wanted is None else share >= wanted,
            )
        )
    if minimal is not None:
        rates = (
            ("ours (batch finish)", batch.result.rate),
            ("ours (one done per task)", single.result.rate),
            ("naive", naive.result.rate),
            ("raw ceiling (server's schema)", ceiling),
        )
        for name, rate in rates:
            report.add(Row(measurement=f"{name} / minimal ceiling", result=f"{rate / minimal:.3f}"))


def _scaled_throughput(report: BackendReport, servers: list[ServerProcess], sizes: Sizes) -> None:
    """The batch and single workloads with the workers spread over two server processes on one store:
    the horizontal scaling the server is built for (on this 2-core machine, one process per core)."""
    urls = tuple(server.url for server in servers)
    kinds: tuple[tuple[Mode, str], ...] = (("batch", "batch finish"), ("single", "one done request per task"))
    for kind, name in kinds:
        measured = measure_load(
            servers, workload(kind, sizes, queue=f"e2e-{kind}-scaled", urls=urls, tasks=sizes.tasks)
        )
        report.add(measured.row(f"end-to-end, {name}, two server processes on the store", target=None))


def _profile(server: ServerProcess, sizes: Sizes, *, workdir: Path, backend: str) -> list[str]:
    """The batch end-to-end workload again, sampled by py-spy (its figures are not the table's)."""
    output = workdir / f"profile-{backend.lower()}.txt"
    sampler = Sampler(server.pid, output)
    try:
        measured = measure_load(
            [server], workload("batch", sizes, queue="e2e-profiled", urls=(server.url,), tasks=sizes.tasks)
        )
    finally:
        sampler.stop()
    summary = summarise(output)
    rate = f"{measured.result.rate:,.0f} tasks/s under the sampler"
    print(f"  profile: {summary.samples} samples, {rate}; raw stacks in {output}", flush=True)
    return [
        f"end-to-end batch workload, {sizes.tasks:,} tasks, {rate}, server CPU {cpu_share(measured.server_cpu_seconds, measured.result.seconds)}",
        *summary.lines(),
    ]


def _latencies(
    report: BackendReport, servers: list[ServerProcess], sizes: Sizes, *, targets: Targets
) -> None:
    first, second = servers[0], servers[1]
    same = enqueue_to_claim(first.url, first.url, queue="latency-same", samples=sizes.latency_samples)
    other = enqueue_to_claim(first.url, second.url, queue="latency-other", samples=sizes.latency_samples)
    report.add(
        Row(
            measurement=f"enqueue→claim p50 / p99, claimer blocked on the same server ({same.samples} samples)",
            result=str(same),
            target=f"p50 ≤ {targets.same_server_p50_ms:.0f} ms",
            met=same.p50_ms <= targets.same_server_p50_ms,
        )
    )
    report.add(
        Row(
            measurement=f"enqueue→claim p50 / p99, claimer blocked on another server ({other.samples} samples)",
            result=str(other),
        )
    )


def _conflicts(report: BackendReport, servers: list[ServerProcess], sizes: Sizes) -> None:
    before = sum(server.counter(CONFLICTS_METRIC) for server in servers)
    urls = tuple(server.url for server in servers)
    measured = measure_load(
        servers, workload("batch", sizes, queue="four-servers", urls=urls, tasks=sizes.conflict_tasks)
    )
    conflicts = sum(server.counter(CONFLICTS_METRIC) for server in servers) - before
    report.add(
        Row(
            measurement=f"409 conflicts per claimed task, {len(servers)} servers claiming from one queue",
            result=f"{conflicts / measured.result.tasks:.3f} ({conflicts:,.0f} / {measured.result.tasks:,}), at {measured.result.rate:,.0f} tasks/s",
            server_cpu=cpu_share(measured.server_cpu_seconds, measured.result.seconds),
            client_cpu=cpu_share(measured.result.client_cpu_seconds, measured.result.seconds),
        )
    )


def _backlogs(
    report: BackendReport, backend: Backend, server: ServerProcess, sizes: Sizes, *, targets: Targets
) -> None:
    queued = 0
    baseline: Percentiles | None = None
    for backlog in backend.backlogs(sizes):
        seconds = backend.seed_backlog("backlog", backlog - queued)
        queued = backlog
        latency = claim_latency(server.url, queue="backlog", samples=sizes.backlog_samples)
        queued -= latency.samples + 5  # the claimed tasks (and warm-up claims) left the backlog
        baseline = baseline or latency
        growth = latency.p50_ms / baseline.p50_ms
        judged = backlog >= 100_000 and latency is not baseline
        report.add(
            Row(
                measurement=f"claim latency p50 / p99 (1 task), backlog of {backlog:,} queued (seeded in {seconds:.1f} s)",
                result=f"{latency}"
                + (
                    ""
                    if latency is baseline
                    else f" ({growth:.2f}x the {baseline_label(backend, sizes)} p50)"
                ),
                target=f"p50 ≤ {targets.backlog_growth:.0f}x the smallest backlog's" if judged else "",
                met=growth <= targets.backlog_growth if judged else None,
            )
        )


def baseline_label(backend: Backend, sizes: Sizes) -> str:
    return f"{backend.backlogs(sizes)[0]:,}"


def _memory(report: BackendReport, servers: list[ServerProcess], *, targets: Targets) -> None:
    peaks = {server.name: server.peak_rss / 1e6 for server in servers}
    worst = max(peaks.values())
    first = servers[0]
    if first.rss_by_phase:
        report.add(
            Row(
                measurement=f"{first.name} resident memory (VmRSS) after each phase, over the whole run",
                result=", ".join(f"{phase} {rss / 1e6:.0f} MB" for phase, rss in first.rss_by_phase),
            )
        )
    report.add(
        Row(
            measurement="peak RSS per server process (VmHWM)",
            result=", ".join(f"{name} {peak:.0f} MB" for name, peak in peaks.items()),
            target=f"≤ {targets.rss_mb:.0f} MB each",
            met=worst <= targets.rss_mb,
        )
    )
