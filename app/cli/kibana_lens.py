"""Builders for Lens saved objects, in the shape Kibana itself keeps importing on every 8.x and 9.x.

Objects are written in Kibana 7.16's Lens shape (datasource ``indexpattern``, vis layers with
``layerType``, references named ``indexpattern-datasource-layer-<layer>``) and marked with
``migrationVersion: {"lens": "7.16.0"}`` and ``coreMigrationVersion: "8.0.0"``. On import Kibana runs
every later migration (8.1 ``Records`` → ``___records___``, 8.6 ``indexpattern`` → ``formBased``, ...), the
path Kibana's own test fixtures take. Marking a newer version would make older 8.x releases refuse the
file (a saved object newer than the running Kibana is rejected), and writing the newest shape by hand
would tie the file to one release. Only XY charts and data tables are used: the old Lens metric was
renamed in 8.5 and is the one shape that does not travel well.
"""

from dataclasses import dataclass
from typing import Any

Json = Any
LAYER = "layer1"
LENS_MIGRATION_VERSION = "7.16.0"
CORE_MIGRATION_VERSION = "8.0.0"


def count(label: str = "Tasks") -> Json:
    return {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": "count",
        "isBucketed": False,
        "scale": "ratio",
        "sourceField": "___records___",
    }


def metric(operation: str, field: str, label: str, **params: Json) -> Json:
    """``median``, ``max``, ``average``... of a number field; ``percentile`` takes ``percentile=95``."""
    column = {
        "label": label,
        "customLabel": True,
        "dataType": "number",
        "operationType": operation,
        "isBucketed": False,
        "scale": "ratio",
        "sourceField": field,
    }
    if params:
        column["params"] = params
    return column


def top_values(
    field: str, *, size: int, order_by: str, label: str | None = None, other_bucket: bool = True
) -> Json:
    """A terms bucket on a keyword field, largest ``order_by`` column first."""
    return {
        "label": label or f"Top values of {field}",
        "customLabel": label is not None,
        "dataType": "string",
        "operationType": "terms",
        "isBucketed": True,
        "scale": "ordinal",
        "sourceField": field,
        "params": {
            "size": size,
            "orderBy": {"type": "column", "columnId": order_by},
            "orderDirection": "desc",
            "otherBucket": other_bucket,
            "missingBucket": False,
        },
    }


def date_histogram(field: str, *, interval: str = "auto", label: str | None = None) -> Json:
    return {
        "label": label or field,
        "customLabel": label is not None,
        "dataType": "date",
        "operationType": "date_histogram",
        "isBucketed": True,
        "scale": "interval",
        "sourceField": field,
        "params": {"interval": interval, "includeEmptyRows": True},
    }


@dataclass(frozen=True)
class LensChart:
    """One Lens saved object over one data view, with a single layer ``layer1``."""

    object_id: str
    title: str
    description: str
    data_view_id: str
    query: str
    columns: dict[str, Json]  # column id -> column, in display order

    def xy(self, *, series: str, x: str, y: list[str], split: str | None = None) -> Json:
        layer: Json = {
            "layerId": LAYER,
            "layerType": "data",
            "seriesType": series,
            "xAccessor": x,
            "accessors": y,
        }
        if split is not None:
            layer["splitAccessor"] = split
        visualization = {
            "preferredSeriesType": series,
            "legend": {"isVisible": True, "position": "right"},
            "valueLabels": "hide",
            "fittingFunction": "None",
            "axisTitlesVisibilitySettings": {"x": True, "yLeft": True, "yRight": True},
            "layers": [layer],
        }
        return self._saved_object("lnsXY", visualization)

    def table(self, *, sort_by: str) -> Json:
        visualization = {
            "layerId": LAYER,
            "layerType": "data",
            "columns": [{"columnId": column_id} for column_id in self.columns],
            "sorting": {"columnId": sort_by, "direction": "desc"},
        }
        return self._saved_object("lnsDatatable", visualization)

    def _saved_object(self, visualization_type: str, visualization: Json) -> Json:
        layer = {"columnOrder": list(self.columns), "columns": self.columns, "incompleteColumns": {}}
        return {
            "type": "lens",
            "id": self.object_id,
            "attributes": {
                "title": self.title,
                "description": self.description,
                "visualizationType": visualization_type,
                "state": {
                    "datasourceStates": {"indexpattern": {"layers": {LAYER: layer}}},
                    "visualization": visualization,
                    "query": {"query": self.query, "language": "kuery"},
                    "filters": [],
                },
            },
            "references": [
                {
                    "type": "index-pattern",
                    "id": self.data_view_id,
                    "name": "indexpattern-datasource-current-indexpattern",
                },
                {
                    "type": "index-pattern",
                    "id": self.data_view_id,
                    "name": f"indexpattern-datasource-layer-{LAYER}",
                },
            ],
            "migrationVersion": {"lens": LENS_MIGRATION_VERSION},
            "coreMigrationVersion": CORE_MIGRATION_VERSION,
        }
