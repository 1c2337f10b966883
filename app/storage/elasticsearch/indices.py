"""Index and template names under one prefix, and the task index template kept as data."""

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from elasticsearch import AsyncElasticsearch, NotFoundError

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

    def queues(self, queues: tuple[str, ...]) -> list[str]:
        return [self.queue(queue) for queue in dict.fromkeys(queues)] or [self.all_queues]


@cache
def _task_template_data() -> dict[str, Any]:
    text = resources.files("app.storage.elasticsearch").joinpath("templates/tasks.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


def task_template_version() -> int:
    return int(_task_template_data()["version"])


def task_template_body(names: IndexNames) -> dict[str, Any]:
    """Keyword arguments for ``indices.put_index_template``; a fresh copy each call."""
    data = json.loads(json.dumps(_task_template_data()))
    return {
        "name": names.task_template,
        "index_patterns": [names.all_queues],
        "priority": data["priority"],
        "version": data["version"],
        "meta": data["_meta"],
        "template": data["template"],
    }


async def install_templates(client: AsyncElasticsearch, names: IndexNames) -> None:
    # PUT replaces a template wholesale, so re-running setup after an upgrade updates it in place.
    # Indices that already exist keep their mapping: templates only apply at index creation.
    await client.indices.put_index_template(**task_template_body(names))


async def missing_templates(client: AsyncElasticsearch, names: IndexNames) -> list[str]:
    """Names of templates that are absent or older than this code expects."""
    try:
        response = await client.indices.get_index_template(name=names.task_template)
    except NotFoundError:
        return [f"index template {names.task_template}"]
    templates = response.body.get("index_templates", [])
    installed = int(templates[0]["index_template"].get("version") or 0) if templates else 0
    if installed < task_template_version():
        return [f"index template {names.task_template} (version {installed}, need {task_template_version()})"]
    return []
