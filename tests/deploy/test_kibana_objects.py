"""kibana/tasques_saved_objects.ndjson: generated, well formed, self-contained, default prefix."""

import json
from typing import Any

import pytest

from app.cli.kibana_objects import DEFAULT_INDEX_PREFIX, render_ndjson, saved_objects

from .conftest import REPOSITORY

NDJSON = REPOSITORY / "kibana" / "tasques_saved_objects.ndjson"
KNOWN_TYPES = {"index-pattern", "lens", "dashboard"}


@pytest.fixture(scope="module")
def objects() -> list[dict[str, Any]]:
    return [json.loads(line) for line in NDJSON.read_text().splitlines()]


def test_the_committed_file_is_what_the_generator_renders() -> None:
    assert NDJSON.read_text() == render_ndjson(DEFAULT_INDEX_PREFIX), "stale: run `make kibana` and commit"


def test_every_object_is_a_complete_saved_object(objects: list[dict[str, Any]]) -> None:
    assert NDJSON.read_text().endswith("\n")
    assert len({(item["type"], item["id"]) for item in objects}) == len(objects)
    for item in objects:
        assert item["type"] in KNOWN_TYPES
        assert item["id"].startswith(DEFAULT_INDEX_PREFIX)
        assert item["attributes"]["title"]
        assert isinstance(item["references"], list)
        assert item["coreMigrationVersion"] == "8.0.0"
        assert set(item["migrationVersion"]) == {item["type"]}


def test_every_reference_resolves_to_an_object_in_the_file(objects: list[dict[str, Any]]) -> None:
    present = {(item["type"], item["id"]) for item in objects}
    for item in objects:
        for reference in item["references"]:
            assert (reference["type"], reference["id"]) in present, (item["id"], reference)


def test_data_views_use_the_default_prefix_and_their_time_fields(objects: list[dict[str, Any]]) -> None:
    views = {
        item["attributes"]["title"]: item["attributes"] for item in objects if item["type"] == "index-pattern"
    }
    assert set(views) == {
        "tasques_queue-*",
        "tasques_archive*",
        "tasques_queue-*,tasques_archive*",
        "tasques_events*",
    }
    for title, view in views.items():
        assert view["timeFieldName"] == ("at" if title == "tasques_events*" else "metadata.created_at")
        runtime = json.loads(view["runtimeFieldMap"])
        assert runtime
        assert all(field["script"]["source"] for field in runtime.values())
        json.loads(view["fieldFormatMap"])


def test_lens_layers_reference_their_data_view_and_use_known_fields(objects: list[dict[str, Any]]) -> None:
    views = {item["id"]: item["attributes"] for item in objects if item["type"] == "index-pattern"}
    mapped_task_fields = {"queue", "state", "kind", "id", "metadata.created_at"}
    for lens in (item for item in objects if item["type"] == "lens"):
        state = lens["attributes"]["state"]
        layers = state["datasourceStates"]["indexpattern"]["layers"]
        for layer_id, layer in layers.items():
            [view_id] = {
                ref["id"]
                for ref in lens["references"]
                if ref["name"] == f"indexpattern-datasource-layer-{layer_id}"
            }
            view = views[view_id]
            known = mapped_task_fields | set(json.loads(view["runtimeFieldMap"])) | {"at", "___records___"}
            assert sorted(layer["columnOrder"]) == sorted(layer["columns"])
            for column in layer["columns"].values():
                assert column["sourceField"] in known, (lens["id"], column["sourceField"])
        accessors = _accessors(state["visualization"])
        assert accessors <= set().union(*(layer["columns"] for layer in layers.values())), lens["id"]


def _accessors(visualization: dict[str, Any]) -> set[str]:
    if "columns" in visualization:  # a data table
        return {column["columnId"] for column in visualization["columns"]}
    accessors: set[str] = set()
    for layer in visualization["layers"]:
        accessors |= {layer["xAccessor"], *layer["accessors"], *filter(None, [layer.get("splitAccessor")])}
    return accessors


def test_the_dashboard_places_every_chart_once(objects: list[dict[str, Any]]) -> None:
    [dashboard] = [item for item in objects if item["type"] == "dashboard"]
    panels = json.loads(dashboard["attributes"]["panelsJSON"])
    by_name = {reference["name"]: reference["id"] for reference in dashboard["references"]}
    assert sorted(by_name[panel["panelRefName"]] for panel in panels) == sorted(
        item["id"] for item in objects if item["type"] == "lens"
    )
    for panel in panels:
        grid = panel["gridData"]
        assert grid["i"] == panel["panelIndex"]
        assert grid["x"] >= 0
        assert grid["x"] + grid["w"] <= 48


def test_another_prefix_changes_every_title_and_id() -> None:
    rendered = saved_objects("acme_")
    assert all(item["id"].startswith("acme_") for item in rendered)
    assert "tasques_" not in json.dumps(rendered)
    titles = {item["attributes"]["title"] for item in rendered if item["type"] == "index-pattern"}
    assert titles == {"acme_queue-*", "acme_archive*", "acme_queue-*,acme_archive*", "acme_events*"}
