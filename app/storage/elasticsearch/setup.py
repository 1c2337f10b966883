"""``setup`` installs everything the store needs; ``verify_setup`` names whatever is missing or stale.

Bodies are data (``templates/*.json``). Install order matters: the ILM policies before the templates
that name them, templates before the indices they shape. Every step is idempotent: PUTs replace
templates and policies in place (so re-running setup after an upgrade updates them), indices and the
rollover aliases (archive, events) are created only when absent. Templates apply at index creation
only, so setup also adds the fields mapped since template version 2 (and the tombstone's
``archived_at``) to queue and archive indices that an older template created; ES refuses that only
for a field an index already maps differently, and then setup fails naming it.
"""

import asyncio
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar

from app.domain.errors import StoreUnavailable
from app.storage.elasticsearch.engine import (
    EngineBadRequest,
    EngineError,
    EngineNotFound,
    RolloverPolicy,
    SearchEngine,
)
from app.storage.elasticsearch.errors import error_reason, error_type
from app.storage.elasticsearch.indices import (
    IndexNames,
    archive_template_body,
    archive_template_version,
    events_template_body,
    events_template_version,
    task_properties_added_since_version_2,
    task_template_body,
    task_template_version,
    template_data,
)
from app.storage.elasticsearch.queue_samples import TEMPLATE_NAME as QUEUE_SAMPLES_TEMPLATE
from app.storage.elasticsearch.queue_samples import samples_index

_SHARD_SIZE = re.compile(r"^\d+(\.\d+)?(b|kb|mb|gb|tb|pb)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RolloverSettings:
    """The lifecycle of a rollover alias. Without ILM there is one backing index and no automatic deletion."""

    OPTION: ClassVar[str] = "rollover"
    """How the store options for these settings start, for error messages: ``{OPTION}_retention``."""
    ilm_enabled: bool
    retention: timedelta
    rollover_max_age: timedelta
    rollover_max_primary_shard_size: str

    def __post_init__(self) -> None:
        if self.retention < timedelta(0):
            raise ValueError(f"{self.OPTION}_retention must not be negative")
        if self.rollover_max_age <= timedelta(0):
            raise ValueError(f"{self.OPTION}_rollover_max_age must be positive")
        if not _SHARD_SIZE.match(self.rollover_max_primary_shard_size):
            raise ValueError(
                f"{self.OPTION}_rollover_max_primary_shard_size must be a byte size such as '50gb', "
                f"not {self.rollover_max_primary_shard_size!r}"
            )


@dataclass(frozen=True, slots=True)
class ArchiveSettings(RolloverSettings):
    """Where archived tasks live. Without ILM, ``prune_archive`` is the only retention."""

    OPTION: ClassVar[str] = "archive"
    ilm_enabled: bool = True
    retention: timedelta = timedelta(days=30)
    rollover_max_age: timedelta = timedelta(days=1)
    rollover_max_primary_shard_size: str = "50gb"


@dataclass(frozen=True, slots=True)
class EventSettings(RolloverSettings):
    """Where the attempt history lives. Without ILM, nothing deletes old events yet.

    Rolling over weekly rather than daily keeps a 90-day history to about 14 backing indices.
    """

    OPTION: ClassVar[str] = "events"
    ilm_enabled: bool = True
    retention: timedelta = timedelta(days=90)
    rollover_max_age: timedelta = timedelta(days=7)
    rollover_max_primary_shard_size: str = "50gb"


def _rollover_policy(name: str, data_name: str, pattern: str, settings: RolloverSettings) -> RolloverPolicy:
    meta = template_data(data_name)["_meta"]
    return RolloverPolicy(
        name=name,
        description=meta["description"],
        tasques_version=int(meta["tasques_version"]),
        index_pattern=pattern,
        rollover_max_age=settings.rollover_max_age,
        rollover_max_primary_shard_size=settings.rollover_max_primary_shard_size,
        retention=settings.retention,
    )


def archive_policy(names: IndexNames, archive: ArchiveSettings) -> RolloverPolicy:
    return _rollover_policy(names.archive_policy, "archive_policy", names.archive_indices, archive)


def events_policy(names: IndexNames, events: EventSettings) -> RolloverPolicy:
    return _rollover_policy(names.events_policy, "events_policy", names.events_indices, events)


def policy_version(data_name: str) -> int:
    return int(template_data(data_name)["_meta"]["tasques_version"])


async def install(
    client: SearchEngine, names: IndexNames, archive: ArchiveSettings, events: EventSettings
) -> None:
    await _check_version(client)
    if archive.ilm_enabled:
        await _put_policy(client, archive_policy(names, archive))
    if events.ilm_enabled:
        await _put_policy(client, events_policy(names, events))
    archive_lifecycle = (
        client.lifecycle_index_settings(policy=names.archive_policy, alias=names.archive_alias)
        if archive.ilm_enabled
        else None
    )
    events_lifecycle = (
        client.lifecycle_index_settings(policy=names.events_policy, alias=names.events_alias)
        if events.ilm_enabled
        else None
    )
    await client.indices.put_index_template(**task_template_body(names))
    await client.indices.put_index_template(**archive_template_body(names, lifecycle=archive_lifecycle))
    await client.indices.put_index_template(**events_template_body(names, lifecycle=events_lifecycle))
    await _create_index_if_absent(client, names.leader_locks, template_data("leader_locks"))
    await _create_index_if_absent(client, names.recurring_tasks, template_data("recurring_tasks"))
    await _create_index_if_absent(client, names.queue_controls, template_data("queue_controls"))
    await _create_index_if_absent(client, names.admin_jobs, template_data("admin_jobs"))
    await _create_index_if_absent(client, names.pipelines, template_data("pipelines"))
    await _create_index_if_absent(client, names.push_workers, template_data("push_workers"))
    await _create_index_if_absent(client, names.flow_control, template_data("flow_control"))
    await _create_index_if_absent(client, samples_index(names), template_data(QUEUE_SAMPLES_TEMPLATE))
    await _bootstrap_alias(client, names.archive_alias, names.archive_first_index)
    await _bootstrap_alias(client, names.events_alias, names.events_first_index)
    # Mappings that older templates lacked, on the indices those templates created.
    added = task_properties_added_since_version_2()
    await _add_properties(client, names.all_queues, {**template_data("archive")["extra_properties"], **added})
    await _add_properties(client, names.archive_indices, added)


async def _check_version(client: SearchEngine) -> None:
    """Refuse an engine older than the features the store relies on, naming both versions."""
    problem = (await client.info()).version_problem()
    if problem is not None:
        raise StoreUnavailable(f"setup: {problem}")


async def _put_policy(client: SearchEngine, policy: RolloverPolicy) -> None:
    try:
        await client.put_rollover_policy(policy)
    except EngineError as error:
        raise StoreUnavailable(
            f"setup: installing the {client.lifecycle_name} policy {policy.name} failed ({error.status}, "
            f"{error_reason(error.body)}); on clusters without {client.lifecycle_name} run with "
            f"storage.{client.engine}.ilm_enabled false"
        ) from error


async def _add_properties(client: SearchEngine, indices: str, properties: dict[str, Any]) -> None:
    """Put ``properties`` on every existing index matching ``indices`` (none is fine). Adding a field
    to a mapping is allowed; ES refuses only one that an index already maps differently."""
    await client.indices.put_mapping(
        index=indices, properties=properties, allow_no_indices=True, ignore_unavailable=True
    )


async def _create_index_if_absent(client: SearchEngine, index: str, data: dict[str, Any]) -> bool:
    """Create ``index``; False when it already exists (a concurrent setup, or an earlier run)."""
    try:
        await client.indices.create(
            index=index, mappings=data["mappings"], settings=data.get("settings") or None
        )
    except EngineBadRequest as error:
        if error_type(error.body) != "resource_already_exists_exception":
            raise
        return False
    return True


async def _bootstrap_alias(client: SearchEngine, alias: str, first_index: str) -> None:
    """The first backing index, carrying the alias as its write index; nothing if the alias exists.

    The alias and the index are created in one request, so when the index already exists without the
    alias someone removed it by hand: rather than guess which backing index should take writes, setup
    leaves it to ``verify_setup`` to report.
    """
    if await client.indices.exists_alias(name=alias):
        return
    try:
        await client.indices.create(index=first_index, aliases={alias: {"is_write_index": True}})
    except EngineBadRequest as error:
        if error_type(error.body) != "resource_already_exists_exception":
            raise


async def missing(
    client: SearchEngine, names: IndexNames, archive: ArchiveSettings, events: EventSettings
) -> list[str]:
    """Every missing or outdated piece: templates, policies, indices, aliases; empty when ready."""
    checks = [
        _version_problems(client),
        _template_problems(client, names.task_template, task_template_version()),
        _template_problems(client, names.archive_template, archive_template_version()),
        _template_problems(client, names.events_template, events_template_version()),
        *([_policy_problems(client, names.archive_policy, "archive_policy")] if archive.ilm_enabled else []),
        *([_policy_problems(client, names.events_policy, "events_policy")] if events.ilm_enabled else []),
        _index_problems(client, names.leader_locks),
        _index_problems(client, names.recurring_tasks),
        _index_problems(client, names.queue_controls),
        _index_problems(client, names.admin_jobs),
        _index_problems(client, names.pipelines),
        _index_problems(client, names.push_workers),
        _index_problems(client, names.flow_control),
        _index_problems(client, samples_index(names)),
        _alias_problems(client, names.archive_alias, "archive"),
        _alias_problems(client, names.events_alias, "events"),
    ]
    return [problem for problems in await asyncio.gather(*checks) for problem in problems]


async def _template_problems(client: SearchEngine, name: str, wanted: int) -> list[str]:
    try:
        response = await client.indices.get_index_template(name=name)
    except EngineNotFound:
        return [f"index template {name}"]
    templates = response.get("index_templates", [])
    installed = int(templates[0]["index_template"].get("version") or 0) if templates else 0
    if installed < wanted:
        return [f"index template {name} (version {installed}, need {wanted})"]
    return []


async def _policy_problems(client: SearchEngine, name: str, data_name: str) -> list[str]:
    installed, wanted = await client.rollover_policy_version(name), policy_version(data_name)
    if installed is None:
        return [f"{client.lifecycle_name} policy {name}"]
    if installed < wanted:
        return [f"{client.lifecycle_name} policy {name} (version {installed}, need {wanted})"]
    return []


async def _version_problems(client: SearchEngine) -> list[str]:
    problem = (await client.info()).version_problem()
    return [] if problem is None else [problem]


async def _index_problems(client: SearchEngine, index: str) -> list[str]:
    return [] if await client.indices.exists(index=index) else [f"index {index}"]


async def _alias_problems(client: SearchEngine, alias: str, what: str) -> list[str]:
    return [] if await client.indices.exists_alias(name=alias) else [f"{what} alias {alias}"]
