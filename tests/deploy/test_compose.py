"""docker/compose.yaml, read as data (no `docker compose config`: there is no Docker here)."""

from typing import Any

import pytest

from .conftest import REPOSITORY, yaml_documents

COMPOSE = REPOSITORY / "docker" / "compose.yaml"


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    [document] = yaml_documents(COMPOSE)
    assert set(document) >= {"services", "volumes"}
    services: dict[str, Any] = document["services"]
    return services


def test_the_stack_has_its_services(services: dict[str, Any]) -> None:
    assert set(services) == {"elasticsearch", "kibana", "tasques-setup", "tasques-1", "tasques-2", "worker"}
    for name, service in services.items():
        assert service.get("image"), f"{name} has no image"


def test_elasticsearch_is_a_local_single_node_8x_without_security(services: dict[str, Any]) -> None:
    elasticsearch = services["elasticsearch"]
    assert elasticsearch["image"].startswith(
        "docker.elastic.co/elasticsearch/elasticsearch:${ELASTIC_VERSION:-8."
    )
    assert elasticsearch["environment"]["discovery.type"] == "single-node"
    assert elasticsearch["environment"]["xpack.security.enabled"] == "false"
    assert "security switched off" in COMPOSE.read_text()  # the warning stays with the setting
    assert all(
        str(port).startswith("127.0.0.1:")
        for service in services.values()
        for port in service.get("ports", [])
    )
    assert services["kibana"]["image"].startswith("docker.elastic.co/kibana/kibana:${ELASTIC_VERSION:-8.")


def test_setup_runs_once_before_the_servers(services: dict[str, Any]) -> None:
    setup = services["tasques-setup"]
    assert setup["command"] == ["setup", "--kibana", "http://kibana:5601"]
    assert setup["restart"] == "no"
    assert setup["depends_on"]["elasticsearch"]["condition"] == "service_healthy"
    assert setup["depends_on"]["kibana"]["condition"] == "service_healthy"
    for name in ("tasques-1", "tasques-2"):
        server = services[name]
        assert server["command"][0] == "serve"
        assert server["depends_on"]["tasques-setup"]["condition"] == "service_completed_successfully"
        assert server["environment"]["TASQUES_STORAGE__BACKEND"] == "elasticsearch"
        assert server["build"] == {"context": "..", "dockerfile": "docker/Dockerfile"}
    assert services["tasques-1"]["ports"] != services["tasques-2"]["ports"]


def test_the_worker_runs_the_python_example_against_a_server(services: dict[str, Any]) -> None:
    worker = services["worker"]
    assert worker["build"]["target"] == "example-worker"
    assert (
        'ENTRYPOINT ["python", "/opt/tasques/examples/python_worker.py"]'
        in (REPOSITORY / "docker" / "Dockerfile").read_text()
    )
    assert worker["environment"]["TASQUES_URL"] == "http://tasques-1:8080"
    assert (REPOSITORY / "examples" / "python_worker.py").exists()
