"""The real OpenSearch node of tests/support/engine.py: one node for the basics, three for a cluster."""

import os
import shutil
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.support.engine import OPENSEARCH_VERSION, EngineCluster, running_engine


def _require_toolchain() -> None:
    # CI installs both (.ci/run): there a missing one is a failure, on a developer's machine a skip.
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing and not os.environ.get("CI"):
        pytest.skip(f"no {' or '.join(missing)} on PATH: the OpenSearch node needs a JDK 17 and Maven")


@pytest.fixture(scope="module")
def engine() -> Iterator[EngineCluster]:
    _require_toolchain()
    with running_engine(nodes=1) as cluster:
        yield cluster


@pytest.fixture
def client(engine: EngineCluster) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=engine.url, timeout=30.0) as http:
        yield http


def test_version(engine: EngineCluster, client: httpx.Client) -> None:
    assert engine.version == OPENSEARCH_VERSION
    info = client.get("/").json()
    assert info["version"]["distribution"] == "opensearch"
    assert info["version"]["number"] == OPENSEARCH_VERSION
    assert client.get("/_cluster/health").json()["number_of_nodes"] == 1


def test_indexed_document_is_searchable_after_refresh(client: httpx.Client) -> None:
    created = client.put("/docs/_doc/1", json={"title": "the quick brown fox", "n": 1})
    assert created.status_code == 201, created.text
    assert client.post("/docs/_refresh").status_code == 200
    hits = client.post("/docs/_search", json={"query": {"match": {"title": "fox"}}}).json()["hits"]
    assert hits["total"]["value"] == 1
    assert hits["hits"][0]["_id"] == "1"


def test_painless_scripted_update(client: httpx.Client) -> None:
    assert client.put("/counters/_doc/1?refresh=true", json={"n": 41}).status_code == 201
    updated = client.post("/counters/_update/1", json={"script": {"source": "ctx._source.n += 1"}})
    assert updated.status_code == 200, updated.text
    assert updated.json()["result"] == "updated"
    assert client.get("/counters/_doc/1").json()["_source"] == {"n": 42}


def test_plugins_load_from_the_plugins_folder(engine: EngineCluster, client: httpx.Client) -> None:
    # Unzipped under <home>/plugins/, not on the classpath: loaded as a real install loads them.
    plugins = {row["component"]: row["version"] for row in client.get("/_cat/plugins?format=json").json()}
    assert plugins["opensearch-job-scheduler"] == f"{OPENSEARCH_VERSION}.0"
    assert "org.opensearch.painless.PainlessPlugin" in plugins
    # Index State Management is not on Maven Central; when its zip is supplied, its API answers.
    if "opensearch-index-management" in engine.plugins:
        assert client.get("/_plugins/_ism/policies").status_code == 200


def test_three_node_cluster_keeps_serving_after_a_kill() -> None:
    _require_toolchain()
    with running_engine(nodes=3) as cluster, httpx.Client(base_url=cluster.url, timeout=60.0) as client:
        assert len(cluster.urls) == 3
        settings = {"settings": {"number_of_shards": 1, "number_of_replicas": 1}}
        assert client.put("/replicated", json=settings).status_code == 200
        health = client.get(
            "/_cluster/health/replicated", params={"wait_for_status": "green", "timeout": "50s"}
        ).json()
        assert health["status"] == "green", health
        assert health["number_of_nodes"] == 3
        assert health["active_shards"] == 2
        assert client.put("/replicated/_doc/1?refresh=true", json={"n": 1}).status_code == 201

        cluster.kill(2)
        assert not cluster.nodes[2].alive()
        # If the killed node was the cluster manager, the others elect a new one first (503s meanwhile).
        wanted = {"wait_for_nodes": "2", "wait_for_status": "yellow", "timeout": "5s"}
        deadline = time.monotonic() + 60
        while (health := client.get("/_cluster/health/replicated", params=wanted)).status_code != 200:
            assert time.monotonic() < deadline, (
                f"the cluster did not settle without the killed node: {health.text}"
            )
            time.sleep(0.5)
        assert health.json()["number_of_nodes"] == 2
        # Any node answers for the whole cluster; the document survived on the remaining copy.
        with httpx.Client(base_url=cluster.urls[1], timeout=30.0) as other:
            assert other.get("/replicated/_doc/1").json()["_source"] == {"n": 1}
