"""Index, alias, template and policy names under one prefix, and the index templates kept as data.

``setup`` installs them; the JSON files in ``templates/`` are the single source of each body.
"""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

_ILLEGAL_PREFIX_CHARS = frozenset('\\/*?"<>| ,#:')
# Queue names may take 200 bytes (app.domain.queue_names); ES stops index names at 255.
MAX_PREFIX_BYTES = 255 - 200 - len("queue-")


def ensure_valid_prefix(prefix: str) -> str:
    """Reject prefixes that ES would refuse as part of an index name, before the first write fails."""
    problems = []
    if not prefix:
        problems.append("must not be empty")
    elif prefix[0] in "_-+":
        problems.append("must not start with '_', '-' or '+'")
    if prefix != prefix.lower():
        problems.append("must be lower case")
    if any(char in _ILLEGAL_PREFIX_CHARS for char in prefix):
        problems.append('must not contain any of \\/*?"<>| ,#:')
    if len(prefix.encode()) > MAX_PREFIX_BYTES:
        problems.append(f"must be at most {MAX_PREFIX_BYTES} bytes")
    if problems:
        raise ValueError(f"invalid Elasticsearch index prefix {prefix!r}: {'; '.join(problems)}")
    return prefix


@dataclass(frozen=True, slots=True)
class IndexNames:
    prefix: str

    def __post_init__(self) -> None:
        ensure_valid_prefix(self.prefix)

    @property
    def task_template(self) -> str:
        return f"{self.prefix}tasks"

    @property
    def all_queues(self) -> str:
        return f"{self.prefix}queue-*"

    @property
    def everything(self) -> str:
        """Every index this prefix owns; for tests and admin tooling, never for task reads."""
        return f"{self.prefix}*"

    def queue(self, queue: str) -> str:
        return f"{self.prefix}queue-{queue}"

    @property
    def archive_alias(self) -> str:
        """The rollover alias: archiving writes through it, reads search every backing index behind it."""
        return f"{self.prefix}archive"

    def is_archive_index(self, index: str) -> bool:
        """A backing index behind the archive alias (where a search hit came from)."""
        return index.startswith(f"{self.archive_alias}-")

    @property
    def archive_first_index(self) -> str:
        # The numeric suffix is what rollover increments: archive-000002, archive-000003, ...
        return f"{self.prefix}archive-000001"

    @property
    def archive_indices(self) -> str:
        return f"{self.prefix}archive-*"

    @property
    def archive_template(self) -> str:
        return f"{self.prefix}archived_tasks"

    @property
    def archive_policy(self) -> str:
        return f"{self.prefix}archive_policy"

    @property
    def events_alias(self) -> str:
        """The attempt history's rollover alias: appends go through it, reads search every backing index."""
        return f"{self.prefix}events"

    @property
    def events_first_index(self) -> str:
        return f"{self.prefix}events-000001"

    @property
    def events_indices(self) -> str:
        return f"{self.prefix}events-*"

    @property
    def events_template(self) -> str:
        return f"{self.prefix}task_events"

    @property
    def events_policy(self) -> str:
        return f"{self.prefix}events_policy"

    @property
    def leader_locks(self) -> str:
        return f"{self.prefix}leader_locks"

    @property
    def recurring_tasks(self) -> str:
        return f"{self.prefix}recurring_tasks"

    @property
    def queue_controls(self) -> str:
        """One document, ``paused``: the sorted names of the paused queues."""
        return f"{self.prefix}queue_controls"

    @property
    def admin_jobs(self) -> str:
        return f"{self.prefix}admin_jobs"

    @property
    def pipelines(self) -> str:
        return f"{self.prefix}pipelines"

    @property
    def push_workers(self) -> str:
        return f"{self.prefix}push_workers"

    @property
    def flow_control(self) -> str:
        """Limiter records (holders, token buckets) and recently seen capability sets."""
        return f"{self.prefix}flow_control"

    def queues(self, queues: tuple[str, ...]) -> list[str]:
        return [self.queue(queue) for queue in dict.fromkeys(queues)] or [self.all_queues]


@cache
def _template_text(name: str) -> str:
    return resources.files("app.storage.elasticsearch").joinpath(f"templates/{name}.json").read_text()


def template_data(name: str) -> dict[str, Any]:
    """A fresh copy of ``templates/{name}.json``: callers may change it."""
    data: dict[str, Any] = json.loads(_template_text(name))
    return data


def task_template_version() -> int:
    return int(template_data("tasks")["version"])


def archive_template_version() -> int:
    return int(template_data("archive")["version"])


def events_template_version() -> int:
    return int(template_data("events")["version"])


def task_properties_added_since_version_2() -> dict[str, Any]:
    """What setup puts on queue and archive indices that an older template created (see ``setup``)."""
    properties: dict[str, Any] = template_data("tasks")["added_since_version_2"]
    return properties


def task_template_body(names: IndexNames) -> dict[str, Any]:
    """Keyword arguments for ``indices.put_index_template``."""
    data = template_data("tasks")
    return {
        "name": names.task_template,
        "index_patterns": [names.all_queues],
        "priority": data["priority"],
        "version": data["version"],
        "meta": data["_meta"],
        "template": data["template"],
    }


def archive_template_body(names: IndexNames, *, lifecycle: dict[str, Any] | None) -> dict[str, Any]:
    """The task mapping plus ``archived_at``; ``lifecycle`` is the engine's policy settings (the seam's
    ``lifecycle_index_settings``), None without lifecycle management: then retention is
    ``prune_archive``'s."""
    data = template_data("archive")
    template = template_data("tasks")["template"]
    template["mappings"]["properties"].update(data["extra_properties"])
    if lifecycle is not None:
        template["settings"] = lifecycle
    return {
        "name": names.archive_template,
        "index_patterns": [names.archive_indices],
        "priority": data["priority"],
        "version": data["version"],
        "meta": data["_meta"],
        "template": template,
    }


def events_template_body(names: IndexNames, *, lifecycle: dict[str, Any] | None) -> dict[str, Any]:
    """The event mapping, with the engine's lifecycle settings when there is lifecycle management."""
    data = template_data("events")
    template = data["template"]
    if lifecycle is not None:
        template["settings"] = lifecycle
    return {
        "name": names.events_template,
        "index_patterns": [names.events_indices],
        "priority": data["priority"],
        "version": data["version"],
        "meta": data["_meta"],
        "template": template,
    }
