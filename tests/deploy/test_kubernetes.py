"""k8s/: schema validation of the built-in kinds (kubernetes-validate, strict), the ECK resources'
documented required fields, and the wiring between the manifests."""

import importlib.util
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from app.config import Settings

from .conftest import REPOSITORY, tool, yaml_documents

K8S = REPOSITORY / "k8s"
BUILT_IN = ["configmap.yaml", "deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml", "setup-job.yaml"]
ECK = ["eck/elasticsearch.yaml", "eck/kibana.yaml"]


def _only(name: str) -> Any:
    [document] = yaml_documents(K8S / name)
    return document


def test_built_in_kinds_validate_strictly_against_the_kubernetes_schemas() -> None:
    result = subprocess.run(
        [tool("kubernetes-validate"), "--strict", "--quiet", *(str(K8S / name) for name in BUILT_IN)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_kustomization_lists_every_manifest() -> None:
    kustomization = _only("kustomization.yaml")
    manifests = {str(path.relative_to(K8S)) for path in K8S.rglob("*.yaml")} - {"kustomization.yaml"}
    assert set(kustomization["resources"]) == manifests == set(BUILT_IN + ECK)


def test_the_deployment_is_replicated_probed_bounded_and_non_root() -> None:
    deployment = _only("deployment.yaml")
    assert deployment["spec"]["replicas"] >= 2
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the image's user
    [container] = pod["containers"]
    assert container["args"][0] == "serve"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert {"cpu", "memory"} <= set(container["resources"]["requests"])
    assert {"cpu", "memory"} <= set(container["resources"]["limits"])
    assert container["securityContext"]["allowPrivilegeEscalation"] is False
    assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_service_hpa_and_pdb_select_the_deployments_pods() -> None:
    deployment = _only("deployment.yaml")
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert _only("service.yaml")["spec"]["selector"].items() <= labels.items()
    assert _only("pdb.yaml")["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = _only("hpa.yaml")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "tasques"}
    assert hpa["spec"]["minReplicas"] >= 2


def _container_env(name: str) -> dict[str, Any]:
    [container] = _only(name)["spec"]["template"]["spec"]["containers"]
    return {item["name"]: item.get("value", item.get("valueFrom")) for item in container["env"]}


def test_servers_and_setup_job_use_the_eck_cluster_and_its_secret() -> None:
    es_name = _only("eck/elasticsearch.yaml")["metadata"]["name"]
    kibana_name = _only("eck/kibana.yaml")["metadata"]["name"]
    for manifest in ("deployment.yaml", "setup-job.yaml"):
        env = _container_env(manifest)
        assert env["TASQUES_CONFIG"] == "/etc/tasques/tasques.yaml"
        secret = env["TASQUES_STORAGE__ELASTICSEARCH__PASSWORD"]["secretKeyRef"]
        assert secret == {"name": f"{es_name}-es-elastic-user", "key": "elastic"}
        pod = _only(manifest)["spec"]["template"]["spec"]
        assert {"name": "config", "configMap": {"name": "tasques-config"}} in pod["volumes"]
    [setup] = _only("setup-job.yaml")["spec"]["template"]["spec"]["containers"]
    assert setup["args"] == ["setup", "--kibana", f"http://{kibana_name}-kb-http:5601"]
    settings = _configmap_settings()
    assert settings.storage.elasticsearch.urls == [f"http://{es_name}-es-http:9200"]


def _configmap_text() -> str:
    configmap = _only("configmap.yaml")
    assert configmap["metadata"]["name"] == "tasques-config"
    text: str = configmap["data"]["tasques.yaml"]
    return text


def _configmap_settings() -> Settings:
    return Settings.model_validate(yaml.safe_load(_configmap_text()))


def _render_configmap() -> str:
    """What k8s/render_configmap.py prints for the current config.example.yaml."""
    spec = importlib.util.spec_from_file_location("render_configmap", K8S / "render_configmap.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    rendered: str = module.render((REPOSITORY / "config.example.yaml").read_text())
    return rendered


def test_the_configmap_is_the_example_config_on_elasticsearch() -> None:
    assert (K8S / "configmap.yaml").read_text() == _render_configmap(), (
        "k8s/configmap.yaml is stale against config.example.yaml: "
        "run `python k8s/render_configmap.py > k8s/configmap.yaml`"
    )
    settings = _configmap_settings()
    assert settings.storage.backend == "elasticsearch"
    assert settings.server.host == "0.0.0.0"
    assert settings.storage.elasticsearch.password is None  # credentials come from the secret


ELASTICSEARCH_SPEC_KEYS = {
    "version", "image", "http", "transport", "nodeSets", "updateStrategy", "podDisruptionBudget", "auth",
    "secureSettings", "serviceAccountName", "remoteClusters", "volumeClaimDeletePolicy", "monitoring",
    "revisionHistoryLimit",
}  # fmt: skip
KIBANA_SPEC_KEYS = {
    "version", "image", "count", "elasticsearchRef", "enterpriseSearchRef", "config", "http", "podTemplate",
    "secureSettings", "serviceAccountName", "monitoring", "revisionHistoryLimit",
}  # fmt: skip
VERSION = re.compile(r"^8\.\d+\.\d+$")


def test_eck_elasticsearch_has_the_documented_required_fields() -> None:
    elasticsearch = _only("eck/elasticsearch.yaml")
    assert elasticsearch["apiVersion"] == "elasticsearch.k8s.elastic.co/v1"
    assert elasticsearch["kind"] == "Elasticsearch"
    assert re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", elasticsearch["metadata"]["name"])
    spec = elasticsearch["spec"]
    assert set(spec) <= ELASTICSEARCH_SPEC_KEYS
    assert VERSION.match(spec["version"])
    assert spec["nodeSets"], "at least one nodeSet"
    for node_set in spec["nodeSets"]:
        assert node_set["name"]
        assert node_set["count"] >= 1
        assert set(node_set) <= {"name", "count", "config", "podTemplate", "volumeClaimTemplates"}
    # Plain HTTP inside the cluster, matching the http:// URL in the ConfigMap.
    assert spec["http"]["tls"]["selfSignedCertificate"]["disabled"] is True


def test_eck_kibana_points_at_the_elasticsearch_of_the_same_version() -> None:
    kibana, elasticsearch = _only("eck/kibana.yaml"), _only("eck/elasticsearch.yaml")
    assert kibana["apiVersion"] == "kibana.k8s.elastic.co/v1"
    assert kibana["kind"] == "Kibana"
    spec = kibana["spec"]
    assert set(spec) <= KIBANA_SPEC_KEYS
    assert spec["version"] == elasticsearch["spec"]["version"]
    assert spec["elasticsearchRef"]["name"] == elasticsearch["metadata"]["name"]
    assert spec["count"] >= 1
    assert spec["http"]["tls"]["selfSignedCertificate"]["disabled"] is True


@pytest.mark.parametrize("name", ECK)
def test_eck_resources_are_unknown_to_the_built_in_schemas(name: str) -> None:
    """kubernetes-validate only warns on custom resources: it cannot vouch for them, the tests above do."""
    result = subprocess.run(
        [tool("kubernetes-validate"), "--strict", str(K8S / name)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "Couldn't find schema" in result.stdout + result.stderr


def test_every_manifest_path_in_the_docs_exists() -> None:
    docs = (REPOSITORY / "docs" / "deploying.md").read_text()
    for mentioned in set(re.findall(r"\bk8s/[\w/.-]+\.yaml\b", docs)):
        assert Path(REPOSITORY / mentioned).exists(), mentioned
