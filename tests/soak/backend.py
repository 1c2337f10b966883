"""The store the soak's servers share: one SQLite file by default, or the Elasticsearch cluster named by
``TASQUES_TEST_ES_URL`` under a fresh index prefix (set up with ``tasques setup`` first, removed after)."""

import asyncio
import json
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from app.storage.elasticsearch import ElasticsearchTaskStore
from tests.soak.processes import environment_without_tasques
from tests.soak.servers import tasques_command
from tests.support.elasticsearch import ES_URL_VARIABLE, ElasticsearchHarness, Tier, real_cluster_client


@dataclass
class SoakBackend:
    name: str
    settings: dict[str, str] = field(default_factory=dict)
    index_prefix: str | None = None

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

    async def clean_up(self) -> None:
        """Remove the run's indices, templates and policies; a failure is reported, not raised."""
        if self.index_prefix is None:
            return
        client = real_cluster_client()
        store = ElasticsearchTaskStore(client, index_prefix=self.index_prefix)
        try:
            # A cluster without ILM (run with ILM_ENABLED=false) has no policies to delete.
            ilm = self.settings.get("TASQUES_STORAGE__ELASTICSEARCH__ILM_ENABLED", "true").lower() != "false"
            tier: Tier = "real" if ilm else "emulator"
            harness = ElasticsearchHarness(
                store=store, client=client, tier=tier, index_prefix=self.index_prefix
            )
            await harness.remove_everything()
        except Exception as error:
            print(f"could not remove the {self.index_prefix}* indices: {error!r}", file=sys.stderr)
        finally:
            await store.close()


def choose_backend(directory: Path) -> SoakBackend:
    url = os.environ.get(ES_URL_VARIABLE)
    if not url:
        return SoakBackend(
            "sqlite",
            {
                "TASQUES_STORAGE__BACKEND": "sqlite",
                "TASQUES_STORAGE__SQLITE__PATH": str(directory / "tasques.db"),
            },
        )
    prefix = f"soak{secrets.token_hex(4)}_"
    settings = {
        "TASQUES_STORAGE__BACKEND": "elasticsearch",
        "TASQUES_STORAGE__ELASTICSEARCH__URLS": json.dumps([url]),
        "TASQUES_STORAGE__ELASTICSEARCH__INDEX_PREFIX": prefix,
    }
    if username := os.environ.get("TASQUES_TEST_ES_USERNAME"):
        settings["TASQUES_STORAGE__ELASTICSEARCH__USERNAME"] = username
        settings["TASQUES_STORAGE__ELASTICSEARCH__PASSWORD"] = os.environ.get("TASQUES_TEST_ES_PASSWORD", "")
    return SoakBackend("elasticsearch", settings, prefix)
