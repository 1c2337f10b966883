"""Typed settings: a YAML file (``--config`` or ``TASQUES_CONFIG``), overridden by ``TASQUES_*`` environment
variables (``__`` separates nesting levels, e.g. ``TASQUES_STORAGE__BACKEND=elasticsearch``), over defaults.

Environment wins over the file so a container can adjust one key of a mounted file, as Tasques allowed.
Durations accept Go strings ("30s", "5m", "1h30m") or numbers of seconds.
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, SecretStr
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from app.api.auth_settings import AuthSettings
from app.domain.durations import GoDuration
from app.maintenance.admin_jobs import AdminJobSettings
from app.maintenance.archiver import ArchiverSettings
from app.maintenance.dead_letters import DeadLetterSettings
from app.maintenance.elector import ElectorSettings
from app.maintenance.pipelines import PipelineSettings
from app.maintenance.push_delivery import PushDeliverySettings
from app.maintenance.queue_sampler import QueueSamplerSettings
from app.maintenance.reaper import ReaperSettings
from app.maintenance.scheduler import SchedulerSettings
from app.observability.settings import ObservabilitySettings
from app.services.policies import TaskPolicies

CONFIG_PATH_VARIABLE = "TASQUES_CONFIG"


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ServerSettings(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=8080, ge=0, le=65535)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    shutdown_timeout: GoDuration = timedelta(seconds=10)
    startup_timeout: GoDuration = timedelta(seconds=30)
    # /readyz answers 503 when its store probe (a read, the setup check and a write lock) takes longer.
    readiness_timeout: GoDuration = timedelta(seconds=2)
    # Sent as Retry-After when the store is unavailable.
    retry_after_seconds: int = Field(default=2, ge=1)
    # Bounds on hostile connections (app/cli/guarded_http.py): a client gets header_timeout to send a
    # whole header block, which may hold max_header_bytes (else 431); an idle keep-alive connection is
    # closed after keep_alive_timeout; past max_connections the oldest connection without a request in
    # flight is closed to make room.
    header_timeout: GoDuration = timedelta(seconds=10)
    max_header_bytes: int = Field(default=64 * 1024, ge=4096)
    # Longer than the idle expiry of common clients and load balancers (httpx 5 s, aiohttp 15 s, AWS
    # ALB 60 s): the side that closes an idle connection must be the client, else a request sent on it
    # just as the server closes it fails with a reset (a 502 behind a balancer) instead of being answered.
    keep_alive_timeout: GoDuration = timedelta(seconds=75)
    max_connections: int = Field(default=1000, ge=1)
    # The server process's gc.set_threshold. With CPython's (700, 10, 10) a server under load ran a young
    # collection every few requests and a full one, over every cached task, about once a second: 10-16 %
    # of its time, finding almost no garbage (BENCHMARKS.md). A first number of 0 turns collection off.
    gc_threshold: tuple[NonNegativeInt, NonNegativeInt, NonNegativeInt] = (50_000, 10, 10)


class SqliteSettings(_Section):
    path: Path = Path("tasques.db")
    busy_timeout: GoDuration = timedelta(seconds=5)


class ElasticsearchSettings(_Section):
    urls: list[str] = Field(default_factory=lambda: ["http://localhost:9200"])
    username: str | None = None
    password: SecretStr | None = None
    index_prefix: str = Field(default="tasques_", pattern=r"^[a-z0-9][a-z0-9_\-]*$")
    request_timeout: GoDuration = timedelta(seconds=10)
    claim_search_multiplier: int = Field(default=5, ge=1, le=100)
    # Off only for clusters that forbid inline scripts (script.allowed_types: none): then every
    # update rewrites the whole document instead of the changed fields.
    scripted_updates: bool = True
    # Archived tasks live behind a rollover alias; ILM (Elasticsearch) or ISM (OpenSearch) rolls it over
    # and deletes old indices after archive_retention. Off for clusters without either: then the
    # archiver prunes by query.
    ilm_enabled: bool = True
    archive_retention: GoDuration = timedelta(days=30)
    events_retention: GoDuration = timedelta(days=90)  # attempt history, via its own ILM policy


class StorageSettings(_Section):
    backend: Literal["sqlite", "elasticsearch", "opensearch"] = "sqlite"
    sqlite: SqliteSettings = SqliteSettings()
    elasticsearch: ElasticsearchSettings = ElasticsearchSettings()
    # The same settings for an OpenSearch cluster; ilm_enabled then means ISM policies.
    opensearch: ElasticsearchSettings = ElasticsearchSettings()

    @property
    def search_engine(self) -> ElasticsearchSettings:
        """The section of the configured search engine (``elasticsearch`` for the SQLite backend too,
        whose index prefix the Kibana commands still default to)."""
        return self.opensearch if self.backend == "opensearch" else self.elasticsearch

    @property
    def uses_search_engine(self) -> bool:
        return self.backend != "sqlite"


class MaintenanceSettings(_Section):
    enabled: bool = True  # false: this server never runs for leader (serves the API only)
    leader: ElectorSettings = ElectorSettings()
    reaper: ReaperSettings = ReaperSettings()
    scheduler: SchedulerSettings = SchedulerSettings()
    archiver: ArchiverSettings = ArchiverSettings()
    dead_letters: DeadLetterSettings = DeadLetterSettings()
    admin_jobs: AdminJobSettings = AdminJobSettings()
    pipelines: PipelineSettings = PipelineSettings()
    push_delivery: PushDeliverySettings = PushDeliverySettings()
    queue_sampler: QueueSamplerSettings = QueueSamplerSettings()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TASQUES_", env_nested_delimiter="__", extra="forbid", frozen=True
    )

    server: ServerSettings = ServerSettings()
    storage: StorageSettings = StorageSettings()
    tasks: TaskPolicies = TaskPolicies()
    maintenance: MaintenanceSettings = MaintenanceSettings()
    observability: ObservabilitySettings = ObservabilitySettings()
    auth: AuthSettings = AuthSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # init kwargs carry the YAML file's content; the environment overrides them.
        return env_settings, init_settings


def load_settings(config_path: Path | None = None) -> Settings:
    """Read the YAML file (if any), then let ``TASQUES_*`` variables override it."""
    path = config_path or _path_from_environment()
    file_values: dict[str, Any] = {}
    if path is not None:
        loaded = yaml.safe_load(path.read_text()) or {}
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: the top level must be a mapping")
        file_values = loaded
    return Settings(**file_values)


def _path_from_environment() -> Path | None:
    value = os.environ.get(CONFIG_PATH_VARIABLE)
    return Path(value) if value else None
