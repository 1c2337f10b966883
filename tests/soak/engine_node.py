"""``run_soak --engine``: the soak on a search engine even when no cluster is configured.

With ``TASQUES_TEST_ES_URL`` set the soak already runs on that cluster (``tests.soak.backend``). With
``--engine`` and no cluster configured, one OpenSearch node is started from Maven Central jars
(``tests.support.engine``), named in ``TASQUES_TEST_ES_URL`` for the run, so the backend choice works as
with a configured cluster, and stopped (its home removed) when the run ends, whatever happened.
"""

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.support.elasticsearch import ES_URL_VARIABLE
from tests.support.engine import start_engine


@asynccontextmanager
async def engine_for_soak(wanted: bool) -> AsyncIterator[None]:
    if not wanted or os.environ.get(ES_URL_VARIABLE):
        yield
        return
    cluster = await asyncio.to_thread(start_engine, 1)
    print(
        f"OpenSearch {cluster.version} started for the soak in {cluster.startup_seconds:.0f}s at {cluster.url}",
        file=sys.stderr,
    )
    os.environ[ES_URL_VARIABLE] = cluster.url
    try:
        yield
    finally:
        os.environ.pop(ES_URL_VARIABLE, None)
        await asyncio.to_thread(cluster.stop)
