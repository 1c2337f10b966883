"""The Kibana saved objects for a deployment's index prefix: data views and the "tasques" dashboard.

``tasques setup --kibana URL`` imports them for the configured prefix; ``tasques kibana export`` prints
them (``make kibana`` commits the default prefix's file as kibana/tasques_saved_objects.ndjson, and a
test fails when that file drifts from this module).

Data views (time field ``metadata.created_at``; tombstones of archived tasks have none, so they never
show): live tasks ``<prefix>queue-*``, archived tasks ``<prefix>archive*``, both together, and the
attempt history ``<prefix>events*`` (time field ``at``), each with the runtime fields of
``kibana_runtime_fields``. Charts are Lens objects (``kibana_lens``) on one dashboard.

Object ids start with the prefix, so two deployments can share one Kibana.
"""

import json
from typing import Any

from app.cli.kibana_lens import CORE_MIGRATION_VERSION, LensChart, count, date_histogram, metric, top_values
from app.cli.kibana_runtime_fields import EVENT_RUNTIME_FIELDS, TASK_FIELD_FORMATS, TASK_RUNTIME_FIELDS

Json = Any
DEFAULT_INDEX_PREFIX = "tasques_"
DASHBOARD_MIGRATION_VERSION = "7.16.0"
DATA_VIEW_MIGRATION_VERSION = "7.11.0"


def saved_objects(prefix: str = DEFAULT_INDEX_PREFIX) -> list[Json]:
    """Data views first, then the Lens charts, then the dashboard that references them."""
    ids = _Ids(prefix)
    charts = _charts(ids)
    return [*_data_views(prefix, ids), *charts, _dashboard(ids, charts)]


def render_ndjson(prefix: str = DEFAULT_INDEX_PREFIX) -> str:
    return "".join(
        json.dumps(item, sort_keys=True, ensure_ascii=False) + "\n" for item in saved_objects(prefix)
    )


class _Ids:
    def __init__(self, prefix: str) -> None:
        self.live = f"{prefix}data-view-live-tasks"
        self.archive = f"{prefix}data-view-archived-tasks"
        self.all_tasks = f"{prefix}data-view-all-tasks"
        self.events = f"{prefix}data-view-events"
        self.prefix = prefix

    def chart(self, name: str) -> str:
        return f"{self.prefix}lens-{name}"


def _data_view(
    object_id: str, *, title: str, name: str, time_field: str, runtime: Json, formats: Json
) -> Json:
    return {
        "type": "index-pattern",
        "id": object_id,
        "attributes": {
            "title": title,
            "name": name,
            "timeFieldName": time_field,
            "runtimeFieldMap": json.dumps(runtime, sort_keys=True),
            "fieldFormatMap": json.dumps(formats, sort_keys=True),
            "fieldAttrs": "{}",
            "fields": "[]",
            "sourceFilters": "[]",
        },
        "references": [],
        "migrationVersion": {"index-pattern": DATA_VIEW_MIGRATION_VERSION},
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
    }


def _data_views(prefix: str, ids: _Ids) -> list[Json]:
    def tasks(object_id: str, *, title: str, name: str) -> Json:
        return _data_view(
            object_id,
            title=title,
            name=f"{name} ({prefix})",
            time_field="metadata.created_at",
            runtime=TASK_RUNTIME_FIELDS,
            formats=TASK_FIELD_FORMATS,
        )

    return [
        tasks(ids.live, title=f"{prefix}queue-*", name="tasques live tasks"),
        tasks(ids.archive, title=f"{prefix}archive*", name="tasques archived tasks"),
        tasks(ids.all_tasks, title=f"{prefix}queue-*,{prefix}archive*", name="tasques all tasks"),
        _data_view(
            ids.events,
            title=f"{prefix}events*",
            name=f"tasques attempt history ({prefix})",
            time_field="at",
            runtime=EVENT_RUNTIME_FIELDS,
            formats={},
        ),
    ]


def _charts(ids: _Ids) -> list[Json]:
    backlog = LensChart(
        ids.chart("backlog"),
        "tasques: backlog by queue and state",
        "Queued, claimed and will-retry tasks created in the time range (widen it for older backlog).",
        ids.live,
        'state : ("queued" or "claimed" or "failed")',
        {
            "queue": top_values("queue", size=20, order_by="count", label="Queue"),
            "state": top_values("state", size=5, order_by="count", label="State"),
            "count": count(),
        },
    ).xy(series="bar_horizontal_stacked", x="queue", y=["count"], split="state")
    enqueued = _per_minute(
        ids.chart("enqueued-per-minute"),
        title="tasques: tasks enqueued per minute",
        data_view=ids.all_tasks,
        query="",
        time_field="metadata.created_at",
    )
    done = _per_minute(
        ids.chart("done-per-minute"),
        title="tasques: throughput, tasks done per minute",
        data_view=ids.events,
        query='kind : "done"',
        time_field="at",
    )
    failures_over_time = LensChart(
        ids.chart("failures-per-minute"),
        "tasques: failures per minute by outcome",
        "Failed (will retry), dead and timed-out attempts from the attempt history.",
        ids.events,
        'kind : ("failed" or "dead" or "timed_out")',
        {
            "at": date_histogram("at", interval="1m", label="Time"),
            "outcome": top_values("kind", size=3, order_by="count", label="Outcome"),
            "count": count("Attempts"),
        },
    ).xy(series="bar_stacked", x="at", y=["count"], split="outcome")
    failures = LensChart(
        ids.chart("failures-by-kind-and-error"),
        "tasques: failures by kind and error",
        "Tasks now failed (waiting to retry) or dead, by task kind and the error of their latest attempt.",
        ids.all_tasks,
        'state : ("failed" or "dead")',
        {
            "kind": top_values("kind", size=20, order_by="count", label="Task kind"),
            "error": top_values("failure_error", size=10, order_by="count", label="Error"),
            "count": count(),
        },
    ).table(sort_by="count")
    delay = LensChart(
        ids.chart("schedule-to-start"),
        "tasques: schedule-to-start delay",
        "Time from run_at to the latest claim, by creation time.",
        ids.all_tasks,
        "",
        {
            "created": date_histogram("metadata.created_at", label="Created"),
            "median": metric("median", "schedule_to_start_ms", "Median delay"),
            "p95": metric("percentile", "schedule_to_start_ms", "95th percentile delay", percentile=95),
        },
    ).xy(series="line", x="created", y=["median", "p95"])
    slowest = LensChart(
        ids.chart("slowest-tasks"),
        "tasques: slowest tasks",
        "Done tasks with the longest latest attempt.",
        ids.all_tasks,
        'state : "done"',
        {
            "id": top_values("id", size=25, order_by="duration", label="Task id"),
            "queue": top_values("queue", size=1, order_by="duration", label="Queue", other_bucket=False),
            "kind": top_values("kind", size=1, order_by="duration", label="Kind", other_bucket=False),
            "duration": metric("max", "run_duration_ms", "Run time"),
        },
    ).table(sort_by="duration")
    return [backlog, enqueued, done, failures_over_time, failures, delay, slowest]


def _per_minute(object_id: str, *, title: str, data_view: str, query: str, time_field: str) -> Json:
    return LensChart(
        object_id,
        title,
        "Per minute, by queue.",
        data_view,
        query,
        {
            "time": date_histogram(time_field, interval="1m", label="Time"),
            "queue": top_values("queue", size=10, order_by="count", label="Queue"),
            "count": count(),
        },
    ).xy(series="bar_stacked", x="time", y=["count"], split="queue")


# (x, y, w, h) on Kibana's 48-column grid, in the order _charts returns them.
_LAYOUT = [
    (0, 0, 24, 15),
    (24, 0, 24, 15),
    (0, 15, 24, 15),
    (24, 15, 24, 15),
    (0, 30, 24, 15),
    (24, 30, 24, 15),
    (0, 45, 48, 15),
]


def _dashboard(ids: _Ids, charts: list[Json]) -> Json:
    panels, references = [], []
    for number, (chart, (x, y, width, height)) in enumerate(zip(charts, _LAYOUT, strict=True)):
        index = chart["id"].removeprefix(ids.chart(""))
        panels.append(
            {
                "version": "8.0.0",
                "type": "lens",
                "gridData": {"x": x, "y": y, "w": width, "h": height, "i": index},
                "panelIndex": index,
                "embeddableConfig": {},
                "panelRefName": f"panel_{number}",
            }
        )
        references.append({"name": f"panel_{number}", "type": "lens", "id": chart["id"]})
    return {
        "type": "dashboard",
        "id": f"{ids.prefix}dashboard",
        "attributes": {
            "title": f"tasques ({ids.prefix})",
            "description": "Backlog, throughput, failures, schedule-to-start delay and slowest tasks.",
            "panelsJSON": json.dumps(panels, sort_keys=True),
            "optionsJSON": json.dumps({"useMargins": True, "syncColors": False, "hidePanelTitles": False}),
            "timeRestore": True,
            "timeFrom": "now-24h",
            "timeTo": "now",
            "refreshInterval": {"pause": False, "value": 30_000},
            "version": 1,
            "kibanaSavedObjectMeta": {
                "searchSourceJSON": json.dumps({"query": {"query": "", "language": "kuery"}, "filter": []})
            },
        },
        "references": references,
        "migrationVersion": {"dashboard": DASHBOARD_MIGRATION_VERSION},
        "coreMigrationVersion": CORE_MIGRATION_VERSION,
    }
