"""What differs per backend: server settings, store set-up and clean-up, raw ceiling, backlog seeding."""

import secrets
import uuid
from pathlib import Path
from typing import Protocol

from app.storage.elasticsearch.indices import IndexNames
from bench import raw_es, raw_sqlite
from bench.documents import server_task_ids
from bench.processes import run_cli
from bench.report import Row
from bench.sizes import Sizes


class Backend(Protocol):
    name: str
    description: str

    def server_env(self) -> dict[str, str]: ...

    def prepare(self) -> None: ...

    def raw_ceiling(self, sizes: Sizes) -> float: ...

    def minimal_ceiling(self, sizes: Sizes) -> float | None: ...

    def seed_backlog(self, queue: str, count: int) -> float: ...

    def backlogs(self, sizes: Sizes) -> tuple[int, ...]: ...

    def diagnostics(self, sizes: Sizes) -> list[Row]: ...

    def cleanup(self) -> None: ...


class SqliteBackend:
    name = "SQLite"

    def __init__(self, workdir: Path) -> None:
        self._workdir = workdir
        self.path = workdir / "tasques.db"
        self.description = f"SQLite file {self.path.name} in a scratch folder, WAL, synchronous=NORMAL"

    def server_env(self) -> dict[str, str]:
        return {"TASQUES_STORAGE__BACKEND": "sqlite", "TASQUES_STORAGE__SQLITE__PATH": str(self.path)}

    def prepare(self) -> None:
        raw_sqlite.create_schema(self.path)  # the servers would too; seeding must not race them

    def raw_ceiling(self, sizes: Sizes) -> float:
        path = self._workdir / "raw-ceiling.db"
        raw_sqlite.create_schema(path)
        return raw_sqlite.raw_ceiling(
            path,
            queue="raw",
            tasks=sizes.tasks,
            enqueue_batch=sizes.enqueue_batch,
            claim_batch=sizes.claim_amount,
        )

    def minimal_ceiling(self, sizes: Sizes) -> float:
        return raw_sqlite.minimal_ceiling(
            self._workdir / "minimal-ceiling.db",
            queue="raw",
            tasks=sizes.tasks,
            enqueue_batch=sizes.enqueue_batch,
            claim_batch=sizes.claim_amount,
        )

    def seed_backlog(self, queue: str, count: int) -> float:
        return raw_sqlite.seed_backlog(self.path, queue=queue, count=count)

    def backlogs(self, sizes: Sizes) -> tuple[int, ...]:
        return sizes.sqlite_backlogs

    def diagnostics(self, sizes: Sizes) -> list[Row]:
        rates = []
        for name, ids in (
            ("random", [uuid.uuid4().hex for _ in range(sizes.id_order_tasks)]),
            ("ordered", server_task_ids(sizes.id_order_tasks)),
        ):
            path = self._workdir / f"raw-{name}-ids.db"
            raw_sqlite.create_schema(path)
            rates.append(
                raw_sqlite.raw_ceiling(
                    path,
                    queue="raw",
                    tasks=sizes.id_order_tasks,
                    enqueue_batch=sizes.enqueue_batch,
                    claim_batch=sizes.claim_amount,
                    ids=ids,
                )
            )
        threaded, direct = raw_sqlite.statement_round_trips(self._workdir / "round-trips.db")
        return [
            Row(
                measurement=f"diagnostic: raw ceiling at {sizes.id_order_tasks:,} tasks, random UUID ids / the server's time-ordered ids",
                result=f"{rates[0]:,.0f} / {rates[1]:,.0f} tasks/s",
            ),
            Row(
                measurement="diagnostic: one trivial read, handed to the store's connection thread / sqlite3 direct",
                result=f"{threaded * 1e6:,.0f} µs / {direct * 1e6:,.1f} µs",
            ),
        ]

    def cleanup(self) -> None:
        pass  # the scratch folder goes as a whole


class ElasticsearchBackend:
    """Elasticsearch or OpenSearch, whichever answers at the URL."""

    def __init__(self, url: str) -> None:
        self._engine = raw_es.describe_engine(url)
        self.name = "OpenSearch" if self._engine.engine == "opensearch" else "Elasticsearch"
        self.names = IndexNames(f"tqbench{secrets.token_hex(4)}_")
        lifecycle = {"elasticsearch": "ILM", "opensearch": "ISM"}[self._engine.engine]
        self.description = (
            f"{self.name} {self._engine.version}{'' if self._engine.lifecycle else f' without {lifecycle}'}, "
            f"index prefix {self.names.prefix} (removed afterwards)"
        )

    def server_env(self) -> dict[str, str]:
        return self._engine.server_environment(index_prefix=self.names.prefix)

    def prepare(self) -> None:
        run_cli(["setup"], env=self.server_env())

    def raw_ceiling(self, sizes: Sizes) -> float:
        return raw_es.raw_ceiling(
            self._engine,
            self.names,
            tasks=sizes.tasks,
            enqueue_batch=sizes.enqueue_batch,
            claim_batch=sizes.claim_amount,
        )

    def minimal_ceiling(self, sizes: Sizes) -> float | None:
        return None  # not measured on the engine yet

    def seed_backlog(self, queue: str, count: int) -> float:
        return raw_es.seed_backlog(self._engine, self.names, queue=queue, count=count)

    def backlogs(self, sizes: Sizes) -> tuple[int, ...]:
        return sizes.elasticsearch_backlogs

    def diagnostics(self, sizes: Sizes) -> list[Row]:
        return []

    def cleanup(self) -> None:
        raw_es.remove_everything(self._engine, self.names)
