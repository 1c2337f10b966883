"""A real OpenSearch 2.19.6 node, or an N-node cluster, built from Maven Central jars for tests and benchmarks.

``tests/engine`` holds a Maven module with one class, ``tasques.engine.EngineNode``, that runs an OpenSearch
node with the distribution's modules on the classpath (netty4, painless, analysis-common, reindex, ...).
``mvn compile`` there writes the classpath (jars in Maven's local repository, which keeps the downloads
between runs) to ``target/classpath.txt`` and copies the plugin zips into ``target/plugins``; then one node
is started and stopped to write a class-data sharing archive (``target/engine.jsa``) that every node starts
from. The build runs again only when the pom, the Java sources or the JVM change (a stamp in ``target/``
holds their hash); otherwise it costs a millisecond.

Plugins: job-scheduler is the only plugin zip Maven Central has for 2.19.6; Index State Management is not
there in any version, so ISM (``_plugins/_ism``) is absent unless a 2.19.6 zip of it is passed in
``extra_plugin_zips`` (it needs the job-scheduler, which is always installed).

Each node is its own JVM (so a test can SIGKILL one), bound to 127.0.0.1 on free ports, with its own
``path.home`` in a temporary folder, its plugin zips unzipped under ``<home>/plugins/`` (as a real install
has them) and its console output in ``<home>/node.log``. A node also exits when the process that started it
goes away (its standard input is a pipe from here).

    with running_engine(nodes=3) as engine:
        httpx.get(f"{engine.url}/_cluster/health")
        engine.kill(2)

``python -m tests.support.engine --nodes 3`` (``make engine NODES=3``) starts one and keeps it until Ctrl-C.
"""

import argparse
import contextlib
import fcntl
import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, TypedDict, Unpack

import httpx

ENGINE_DIR = Path(__file__).resolve().parent.parent / "engine"
TARGET_DIR = ENGINE_DIR / "target"
STAMP = TARGET_DIR / ".tasques-engine-stamp"
CDS_ARCHIVE = TARGET_DIR / "engine.jsa"
MAIN_CLASS = "tasques.engine.EngineNode"
OPENSEARCH_VERSION = "2.19.6"
HEAP_MB = 512
START_TIMEOUT_S = 90.0
STARTED_MARKER = "ENGINE STARTED "
FAILED_MARKER = "ENGINE FAILED "
# OpenSearch's own jvm.options, less what only its launcher scripts need.
JVM_OPTIONS = (
    "-XX:+UseG1GC",
    "-Xss1m",
    "-Djava.awt.headless=true",
    "-Dfile.encoding=UTF-8",
    "-Djna.nosys=true",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.noKeySetOptimization=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
    "-Dlog4j.shutdownHookEnabled=false",
    "-Dlog4j2.disable.jmx=true",
    "-Djava.locale.providers=SPI,COMPAT",
)
_BIND_FAILURES = ("BindTransportException", "BindHttpException", "Address already in use")


class EngineUnavailable(RuntimeError):
    """Java or Maven is missing, or the launcher does not build."""


class EngineStartError(RuntimeError):
    """A node exited or the cluster did not form in time; the message carries the nodes' log tails."""


@dataclass(frozen=True)
class Launcher:
    java: str
    classpath: str
    plugin_zips: tuple[Path, ...]
    jvm_options: tuple[str, ...] = ()


@dataclass
class EngineNode:
    name: str
    home: Path
    http_port: int
    transport_port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    _log_file: IO[bytes] = field(repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def rss_mb(self) -> float:
        """Resident memory of the node's JVM in MiB (0 once it has exited)."""
        try:
            status = Path(f"/proc/{self.pid}/status").read_text()
        except OSError:
            return 0.0
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL: the node vanishes as in a crash, its data stays under its home."""
        if self.alive():
            self.process.kill()
        self._reap(timeout=10.0)

    def stop(self, timeout: float = 30.0) -> None:
        """SIGTERM, then SIGKILL after ``timeout`` seconds."""
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self._reap(timeout=10.0)

    def _reap(self, timeout: float) -> None:
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout)
        if self.process.stdin is not None:
            with contextlib.suppress(OSError):
                self.process.stdin.close()
        self._log_file.close()


@dataclass
class EngineCluster:
    nodes: list[EngineNode]
    version: str
    root: Path
    startup_seconds: float
    cluster_name: str
    plugins: list[str]
    keep_root: bool = False

    @property
    def url(self) -> str:
        return self.nodes[0].url

    @property
    def urls(self) -> list[str]:
        return [node.url for node in self.nodes]

    def kill(self, node_index: int) -> None:
        """SIGKILL one node; the others go on (a cluster of three keeps a quorum)."""
        self.nodes[node_index].kill()

    def stop(self) -> None:
        """Stop every node still running (SIGTERM, in parallel) and remove the homes unless kept."""
        for node in self.nodes:
            if node.alive():
                node.process.send_signal(signal.SIGTERM)
        for node in self.nodes:
            node.stop()
        if not self.keep_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def logs(self, lines: int = 60) -> str:
        return "\n".join(
            f"--- {node.name} ({node.log_path}) ---\n{node.log_tail(lines)}" for node in self.nodes
        )


def _source_hash(java: str) -> str:
    """The pom, the Java sources and the JVM: a class-data archive is only good for the JVM that wrote it."""
    digest = hashlib.sha256()
    jvm = Path(java).resolve()
    for part in (jvm, *jvm.parent.parent.glob("lib/server/libjvm.so")):
        digest.update(f"{part}:{part.stat().st_size}:{part.stat().st_mtime_ns}".encode())
    files = [ENGINE_DIR / "pom.xml", *sorted((ENGINE_DIR / "src").rglob("*"))]
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ENGINE_DIR)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise EngineUnavailable(
            "no `java` on PATH: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
        )
    return java


def _launcher(java: str) -> Launcher:
    jars = (TARGET_DIR / "classpath.txt").read_text().strip()
    classpath = os.pathsep.join([str(TARGET_DIR / "tasques-engine.jar"), jars])
    zips = tuple(sorted((TARGET_DIR / "plugins").glob("*.zip")))
    # Class-data sharing: the classes a node loads come mapped from one archive instead of being parsed and
    # verified again by every JVM (a node starts in about half the time, and the pages are shared).
    options = (f"-XX:SharedArchiveFile={CDS_ARCHIVE}",) if CDS_ARCHIVE.is_file() else ()
    return Launcher(java=java, classpath=classpath, plugin_zips=zips, jvm_options=options)


def _write_cds_archive(launcher: Launcher) -> None:
    """Start and stop one node with -XX:ArchiveClassesAtExit; on any failure the nodes simply go without."""
    CDS_ARCHIVE.unlink(missing_ok=True)
    written = CDS_ARCHIVE.with_suffix(".tmp")
    written.unlink(missing_ok=True)
    training = replace(launcher, jvm_options=(f"-XX:ArchiveClassesAtExit={written}",))
    root = Path(tempfile.mkdtemp(prefix="tasques-engine-cds-"))
    http_port, transport_port = free_ports(2)
    node = _spawn_node(
        training,
        root,
        name="node-0",
        cluster_name="tasques-engine-cds",
        http_port=http_port,
        transport_port=transport_port,
        seeds=(),
        managers=(),
        heap_mb=HEAP_MB,
        settings=(),
    )
    try:
        _wait_ready([node], time.monotonic() + START_TIMEOUT_S)
        node.stop(timeout=120.0)  # the archive is written as the JVM exits
        # A JVM that closed on SIGTERM exits with 128 + 15, and only after the archive is complete.
        if node.process.returncode in (0, 128 + signal.SIGTERM) and written.is_file():
            written.replace(CDS_ARCHIVE)
    except EngineStartError:
        pass
    finally:
        node.stop()
        written.unlink(missing_ok=True)
        shutil.rmtree(root, ignore_errors=True)


def _built(wanted: str) -> bool:
    """The stamp matches, and every jar it promises is still there (a local Maven repository can be wiped)."""
    if not (STAMP.is_file() and STAMP.read_text().strip() == wanted):
        return False
    classpath = TARGET_DIR / "classpath.txt"
    if not classpath.is_file():
        return False
    jars = [TARGET_DIR / "tasques-engine.jar", *map(Path, classpath.read_text().strip().split(os.pathsep))]
    return all(jar.is_file() for jar in jars)


def build_launcher() -> Launcher:
    """Build tests/engine with Maven unless its stamp says the pom, sources and JVM are unchanged.

    A build also writes the class-data sharing archive the nodes start from (one node started and stopped).
    """
    java = _java()
    wanted = _source_hash(java)
    if _built(wanted):
        return _launcher(java)
    TARGET_DIR.mkdir(parents=True, exist_ok=True)
    # One build at a time, however many test processes ask for one.
    with (TARGET_DIR / ".build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if _built(wanted):
            return _launcher(java)
        mvn = shutil.which("mvn")
        if mvn is None:
            raise EngineUnavailable("no `mvn` on PATH: install Maven (apt-get install maven)")
        # The jars stay in the local Maven repository (target/classpath.txt names them), so nodes still running
        # lose nothing; only the plugin zips are copied, and a zip of an older pom must not linger.
        shutil.rmtree(TARGET_DIR / "plugins", ignore_errors=True)
        done = subprocess.run(
            [mvn, "-q", "-B", "-Dstyle.color=never", "compile"],
            cwd=ENGINE_DIR,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise EngineUnavailable(f"mvn compile failed in {ENGINE_DIR}:\n{done.stdout}\n{done.stderr}")
        _write_cds_archive(_launcher(java))
        STAMP.write_text(wanted + "\n")
    return _launcher(java)


def free_ports(count: int) -> list[int]:
    """``count`` distinct loopback ports the kernel had free a moment ago."""
    sockets: list[socket.socket] = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _install_plugins(home: Path, zips: Sequence[Path]) -> list[str]:
    """Unzip each plugin under ``<home>/plugins/<name>``, named as its descriptor says."""
    names = []
    for archive in zips:
        with zipfile.ZipFile(archive) as bundle:
            descriptor = bundle.read("plugin-descriptor.properties").decode()
            name = next(
                line.split("=", 1)[1].strip() for line in descriptor.splitlines() if line.startswith("name=")
            )
            bundle.extractall(home / "plugins" / name)
        names.append(name)
    return names


def _spawn_node(
    launcher: Launcher,
    home: Path,
    *,
    name: str,
    cluster_name: str,
    http_port: int,
    transport_port: int,
    seeds: Sequence[int],
    managers: Sequence[str],
    heap_mb: int,
    settings: Sequence[str],
) -> EngineNode:
    (home / "tmp").mkdir(parents=True, exist_ok=True)
    command = [
        launcher.java,
        f"-Xms{heap_mb}m",
        f"-Xmx{heap_mb}m",
        *JVM_OPTIONS,
        *launcher.jvm_options,
        f"-Djava.io.tmpdir={home / 'tmp'}",
        "-cp",
        launcher.classpath,
        MAIN_CLASS,
        f"--home={home}",
        f"--cluster={cluster_name}",
        f"--name={name}",
        f"--http-port={http_port}",
        f"--transport-port={transport_port}",
        "--exit-with-stdin=true",
    ]
    if seeds:
        command += [f"--seed-ports={','.join(map(str, seeds))}", f"--cluster-managers={','.join(managers)}"]
    command += [f"--setting={setting}" for setting in settings]
    log_path = home / "node.log"
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        cwd=home,
        # Its own session: a Ctrl-C in the terminal reaches only us, and we stop the nodes in order.
        start_new_session=True,
    )
    return EngineNode(name, home, http_port, transport_port, process, log_path, log_file)


def _wait_ready(nodes: Sequence[EngineNode], deadline: float) -> str:
    """Wait for every node's started line, then for health yellow with all nodes joined; the version."""
    pending = list(nodes)
    with httpx.Client(timeout=5.0) as client:
        while True:
            for node in nodes:
                if not node.alive():
                    raise EngineStartError(f"{node.name} exited with {node.process.returncode}")
            pending = [
                node for node in pending if STARTED_MARKER not in node.log_path.read_text(errors="replace")
            ]
            if not pending:
                try:
                    health = client.get(
                        f"{nodes[0].url}/_cluster/health",
                        params={
                            "wait_for_nodes": str(len(nodes)),
                            "wait_for_status": "yellow",
                            "timeout": "1s",
                        },
                    )
                    if health.status_code == 200 and health.json()["number_of_nodes"] == len(nodes):
                        return str(client.get(nodes[0].url).json()["version"]["number"])
                except httpx.TransportError:
                    pass
            if time.monotonic() > deadline:
                waiting = ", ".join(node.name for node in pending) or "cluster health yellow"
                raise EngineStartError(f"timed out waiting for {waiting}")
            time.sleep(0.2)


def start_engine(
    nodes: int = 1,
    *,
    heap_mb: int = HEAP_MB,
    timeout: float = START_TIMEOUT_S,
    cluster_name: str = "tasques-engine",
    extra_plugin_zips: Sequence[Path] = (),
    settings: Sequence[str] = (),
    root: Path | None = None,
) -> EngineCluster:
    """Start ``nodes`` OpenSearch nodes (one JVM each) and return once they form a cluster (health yellow).

    ``settings`` are extra ``key=value`` node settings; ``extra_plugin_zips`` are plugin zips (built for
    OpenSearch 2.19.6) installed next to those the pom brings. The homes live under ``root`` (a fresh
    temporary folder by default, removed by :meth:`EngineCluster.stop`; a given ``root`` is kept, its
    ``node-N`` folders made anew).
    Raises :class:`EngineStartError` with the nodes' log tails if it is not up within ``timeout`` seconds.
    """
    if nodes < 1:
        raise ValueError("nodes must be at least 1")
    launcher = build_launcher()
    for attempt in range(2):
        cluster = _start_once(
            launcher,
            nodes,
            heap_mb,
            timeout,
            cluster_name,
            [*launcher.plugin_zips, *extra_plugin_zips],
            settings,
            root,
        )
        if isinstance(cluster, EngineCluster):
            return cluster
        error, logs = cluster
        # A port taken between free_ports() and the node's bind: once more with other ports.
        if attempt == 0 and any(failure in logs for failure in _BIND_FAILURES):
            continue
        raise error
    raise AssertionError("unreachable")


def _start_once(
    launcher: Launcher,
    count: int,
    heap_mb: int,
    timeout: float,
    cluster_name: str,
    zips: Sequence[Path],
    settings: Sequence[str],
    root: Path | None,
) -> EngineCluster | tuple[EngineStartError, str]:
    started = time.monotonic()
    keep_root = root is not None
    if root is None:
        root = Path(tempfile.mkdtemp(prefix="tasques-engine-"))
    names = [f"node-{index}" for index in range(count)]
    ports = free_ports(2 * count)
    http_ports, transport_ports = ports[:count], ports[count:]
    spawned: list[EngineNode] = []
    plugins: list[str] = []
    cluster = EngineCluster(spawned, "", root, 0.0, cluster_name, plugins, keep_root=keep_root)
    try:
        for index, name in enumerate(names):
            home = root / name
            # A given root may hold the homes of a try that failed to bind: never join that half-made cluster.
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
            plugins[:] = _install_plugins(home, zips)
            spawned.append(
                _spawn_node(
                    launcher,
                    home,
                    name=name,
                    cluster_name=cluster_name,
                    http_port=http_ports[index],
                    transport_port=transport_ports[index],
                    seeds=transport_ports if count > 1 else (),
                    managers=names if count > 1 else (),
                    heap_mb=heap_mb,
                    settings=settings,
                )
            )
        cluster.version = _wait_ready(spawned, started + timeout)
    except EngineStartError as error:
        logs = cluster.logs()
        cluster.keep_root = True
        cluster.stop()
        causes = [line for line in logs.splitlines() if line.startswith(FAILED_MARKER)]
        message = "\n".join([f"OpenSearch did not start: {error} (homes kept under {root})", *causes, logs])
        return EngineStartError(message), logs
    except BaseException:
        cluster.stop()
        raise
    cluster.startup_seconds = time.monotonic() - started
    return cluster


class EngineOptions(TypedDict, total=False):
    heap_mb: int
    timeout: float
    cluster_name: str
    extra_plugin_zips: Sequence[Path]
    settings: Sequence[str]
    root: Path | None


@contextlib.contextmanager
def running_engine(nodes: int = 1, **options: Unpack[EngineOptions]) -> Iterator[EngineCluster]:
    """``start_engine`` for a ``with`` block: the nodes stop (and their homes go) when it ends."""
    cluster = start_engine(nodes, **options)
    try:
        yield cluster
    finally:
        cluster.stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.support.engine",
        description=f"Start OpenSearch {OPENSEARCH_VERSION} from Maven Central jars and keep it until Ctrl-C.",
    )
    parser.add_argument("--nodes", type=int, default=1, help="cluster size, one JVM each (default 1)")
    parser.add_argument("--heap-mb", type=int, default=HEAP_MB, help=f"heap per node (default {HEAP_MB})")
    parser.add_argument(
        "--plugin", type=Path, action="append", default=[], help="another plugin zip to install"
    )
    parser.add_argument("--setting", action="append", default=[], help="a node setting, key=value")
    parser.add_argument(
        "--root", type=Path, help="keep the node homes here (default: a temp folder, removed)"
    )
    args = parser.parse_args(argv)
    # SIGTERM stops the nodes as Ctrl-C does (without it the nodes still exit with us, their homes stay).
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    cluster = start_engine(
        args.nodes, heap_mb=args.heap_mb, extra_plugin_zips=args.plugin, settings=args.setting, root=args.root
    )
    try:
        print(f"OpenSearch {cluster.version} up in {cluster.startup_seconds:.1f} s: {cluster.url}")
        for node in cluster.nodes:
            print(f"  {node.name}: {node.url} pid {node.pid} rss {node.rss_mb():.0f} MiB log {node.log_path}")
        print(f"  plugins: {', '.join(cluster.plugins) or '(none)'}; Ctrl-C stops it")
        sys.stdout.flush()
        while all(node.alive() for node in cluster.nodes):
            time.sleep(1.0)
        print("a node exited:\n" + cluster.logs(20), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        # One signal is enough: a second one (make passes Ctrl-C on too) must not cut the stop short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
