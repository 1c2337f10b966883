"""The store the soak's servers share: one SQLite file by default, or the search engine (Elasticsearch
or OpenSearch) named by ``TASQUES_TEST_ES_URL`` under a fresh index prefix (set up with ``tasques setup``
first, removed after). The servers' storage settings come from ``EngineUnderTest.server_environment``."""

import asyncio
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from app.storage.elasticsearch import ElasticsearchTaskStore
from tests.soak.processes import environment_without_tasques
from tests.soak.servers import tasques_command
from tests.support.elasticsearch import ES_URL_VARIABLE, EngineUnderTest, remove_prefix, running_engine


@dataclass
class SoakBackend:
    name: str
    settings: dict[str, str] = field(default_factory=dict)
    index_prefix: str | None = None
    engine: EngineUnderTest | None = None

    async def prepare(self, directory: Path) -> None:
        if self.index_prefix is None:
            return  # the SQLite store creates its schema on first start
        environment = environment_without_tasques(self.settings)
        completed = await asyncio.to_thread(
            subprocess.run,
            [*tasques_command(), "setup"],
            cwd=directory,
            env=environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"tasques setup failed:\n{completed.stdout}\n{completed.stderr}")

    async def make_searchable(self) -> None:
        """Refresh the run's indices (verification only: the servers never force a refresh), so a scan
        sees the archiver's last moves instead of a copy and its tombstone a refresh apart."""
        if self.index_prefix is not None and self.engine is not None:
            await self.engine.rest("POST", f"/{self.index_prefix}*/_refresh")

    async def clean_up(self) -> None:
        """Remove the run's indices, templates and policies; a failure is reported, not raised."""
        if self.index_prefix is None or self.engine is None:
            return
        client = self.engine.client()
        store = ElasticsearchTaskStore(client, index_prefix=self.index_prefix)
        try:
            # An engine without ILM/ISM (the servers ran with ilm_enabled false) has no policies to delete.
            await remove_prefix(client, store, lifecycle=self.engine.lifecycle)
        except Exception as error:
            print(f"could not remove the {self.index_prefix}* indices: {error!r}", file=sys.stderr)
        finally:
            await store.close()


def choose_backend(directory: Path) -> SoakBackend:
    if not os.environ.get(ES_URL_VARIABLE):
        return SoakBackend(
            "sqlite",
            {
                "TASQUES_STORAGE__BACKEND": "sqlite",
                "TASQUES_STORAGE__SQLITE__PATH": str(directory / "tasques.db"),
            },
        )
    engine = running_engine()
    prefix = f"soak{secrets.token_hex(4)}_"
    return SoakBackend(engine.engine, engine.server_environment(index_prefix=prefix), prefix, engine)
