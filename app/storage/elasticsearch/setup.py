"""``setup`` installs everything the store needs; ``verify_setup`` names whatever is missing or stale.

Bodies are data (``templates/*.json``). Install order matters: the ILM policy before the template that
names it, templates before the indices they shape. Every step is idempotent: PUTs replace templates
and the policy in place (so re-running setup after an upgrade updates them), indices and the archive
alias are created only when absent. Templates apply at index creation only, so setup also adds the
tombstone's ``archived_at`` field to queue indices that an older template created.
"""

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch, BadRequestError, NotFoundError

from app.domain.errors import StoreUnavailable
from app.storage.elasticsearch.errors import error_reason, error_type
from app.storage.elasticsearch.indices import (
    IndexNames,
    archive_template_body,
    archive_template_version,
    task_template_body,
    task_template_version,
    template_data,
)

_SHARD_SIZE = re.compile(r"^\d+(\.\d+)?(b|kb|mb|gb|tb|pb)$", re.IGNORECASE)
_TIME_UNITS = (
    ("d", 86_400_000_000),
    ("h", 3_600_000_000),
    ("m", 60_000_000),
    ("s", 1_000_000),
    ("ms", 1_000),
)


@dataclass(frozen=True, slots=True)
class ArchiveSettings:
    """Where archived tasks live. Without ILM there is one backing index, pruned by ``prune_archive``."""

    ilm_enabled: bool = True
    retention: timedelta = timedelta(days=30)
    rollover_max_age: timedelta = timedelta(days=1)
    rollover_max_primary_shard_size: str = "50gb"

    def __post_init__(self) -> None:
        if self.retention < timedelta(0):
            raise ValueError("archive_retention must not be negative")
        if self.rollover_max_age <= timedelta(0):
            raise ValueError("archive_rollover_max_age must be positive")
        if not _SHARD_SIZE.match(self.rollover_max_primary_shard_size):
            raise ValueError(
                "archive_rollover_max_primary_shard_size must be a byte size such as '50gb', "
                f"not {self.rollover_max_primary_shard_size!r}"
            )


def es_duration(value: timedelta) -> str:
    """An ES time value in the largest unit that is exact: 30 days -> "30d", 90 minutes -> "90m"."""
    micros = value // timedelta(microseconds=1)
    for unit, size in _TIME_UNITS:
        if micros % size == 0:
            return f"{micros // size}{unit}"
    return f"{micros}micros"


def _filled(data: Any, values: dict[str, str]) -> Any:
    """Replace every string that is exactly ``{name}`` by ``values[name]``, anywhere in ``data``."""
    if isinstance(data, dict):
        return {key: _filled(value, values) for key, value in data.items()}
    if isinstance(data, str) and data.startswith("{") and data.endswith("}"):
        return values[data[1:-1]]
    return data


def archive_policy_body(names: IndexNames, archive: ArchiveSettings) -> dict[str, Any]:
    """Keyword arguments for ``ilm.put_lifecycle``.

    The delete phase's ``min_age`` counts from rollover, so an archived task is kept between
    ``retention`` and ``retention + rollover_max_age`` (or until the shard-size rollover).
    """
    values = {
        "retention": es_duration(archive.retention),
        "rollover_max_age": es_duration(archive.rollover_max_age),
        "rollover_max_primary_shard_size": archive.rollover_max_primary_shard_size,
    }
    return {"name": names.archive_policy, "policy": _filled(template_data("archive_policy"), values)}


def archive_policy_version() -> int:
    return int(template_data("archive_policy")["_meta"]["tasques_version"])


async def install(client: AsyncElasticsearch, names: IndexNames, archive: ArchiveSettings) -> None:
    if archive.ilm_enabled:
        try:
            await client.ilm.put_lifecycle(**archive_policy_body(names, archive))
        except ApiError as error:
            raise StoreUnavailable(
                f"setup: installing the ILM policy {names.archive_policy} failed ({error.meta.status}, "
                f"{error_reason(error.body)}); on clusters without ILM run with ILM disabled"
            ) from error
    await client.indices.put_index_template(**task_template_body(names))
    await client.indices.put_index_template(**archive_template_body(names, ilm_enabled=archive.ilm_enabled))
    await _create_index_if_absent(client, names.leader_locks, template_data("leader_locks"))
    await _create_index_if_absent(client, names.recurring_tasks, template_data("recurring_tasks"))
    await _bootstrap_archive(client, names)
    await client.indices.put_mapping(
        index=names.all_queues,
        properties=template_data("archive")["extra_properties"],
        allow_no_indices=True,
        ignore_unavailable=True,
    )


async def _create_index_if_absent(client: AsyncElasticsearch, index: str, data: dict[str, Any]) -> bool:
    """Create ``index``; False when it already exists (a concurrent setup, or an earlier run)."""
    try:
        await client.indices.create(
            index=index, mappings=data["mappings"], settings=data.get("settings") or None
        )
    except BadRequestError as error:
        if error_type(error.body) != "resource_already_exists_exception":
            raise
        return False
    return True


async def _bootstrap_archive(client: AsyncElasticsearch, names: IndexNames) -> None:
    """The first backing index, carrying the alias as its write index; nothing if the alias exists.

    The alias and the index are created in one request, so when the index already exists without the
    alias someone removed it by hand: rather than guess which backing index should take writes, setup
    leaves it to ``verify_setup`` to report.
    """
    if await client.indices.exists_alias(name=names.archive_alias):
        return
    try:
        await client.indices.create(
            index=names.archive_first_index, aliases={names.archive_alias: {"is_write_index": True}}
        )
    except BadRequestError as error:
        if error_type(error.body) != "resource_already_exists_exception":
            raise


async def missing(client: AsyncElasticsearch, names: IndexNames, archive: ArchiveSettings) -> list[str]:
    """Every missing or outdated piece, in install order; empty when the store is ready."""
    checks = [
        _template_problems(client, names.task_template, task_template_version()),
        _template_problems(client, names.archive_template, archive_template_version()),
        *([_policy_problems(client, names.archive_policy)] if archive.ilm_enabled else []),
        _index_problems(client, names.leader_locks),
        _index_problems(client, names.recurring_tasks),
        _alias_problems(client, names.archive_alias),
    ]
    return [problem for problems in await asyncio.gather(*checks) for problem in problems]


async def _template_problems(client: AsyncElasticsearch, name: str, wanted: int) -> list[str]:
    try:
        response = await client.indices.get_index_template(name=name)
    except NotFoundError:
        return [f"index template {name}"]
    templates = response.body.get("index_templates", [])
    installed = int(templates[0]["index_template"].get("version") or 0) if templates else 0
    if installed < wanted:
        return [f"index template {name} (version {installed}, need {wanted})"]
    return []


async def _policy_problems(client: AsyncElasticsearch, name: str) -> list[str]:
    try:
        response = await client.ilm.get_lifecycle(name=name)
    except NotFoundError:
        return [f"ILM policy {name}"]
    meta = response.body.get(name, {}).get("policy", {}).get("_meta") or {}
    installed = int(meta.get("tasques_version") or 0)
    if installed < archive_policy_version():
        return [f"ILM policy {name} (version {installed}, need {archive_policy_version()})"]
    return []


async def _index_problems(client: AsyncElasticsearch, index: str) -> list[str]:
    return [] if await client.indices.exists(index=index) else [f"index {index}"]


async def _alias_problems(client: AsyncElasticsearch, alias: str) -> list[str]:
    return [] if await client.indices.exists_alias(name=alias) else [f"archive alias {alias}"]
