"""The engine seam: everything that differs between Elasticsearch and OpenSearch, and nothing else.

The store is written once against ``SearchEngine``, whose calls keep the shapes of the Elasticsearch 8
client (keyword arguments named after request-body fields, plain ``dict`` answers), and catches only
the exceptions below. Two adapters implement it with each engine's official async client:
``engine_elasticsearch`` (``elasticsearch``) and ``engine_opensearch`` (``opensearch-py``, which
sends bodies as ``body=``). Neither forges the other's product header or media type.

What the seam covers, by name:
    client construction and call shapes
        ``connect_engine`` picks the adapter from ``storage.backend``.
    lifecycle policies
        ILM on Elasticsearch, Index State Management on OpenSearch: ``put_rollover_policy``,
        ``rollover_policy_version``, ``delete_rollover_policy`` and ``lifecycle_index_settings`` take
        one engine-neutral ``RolloverPolicy``.
    versions
        ``info`` reports the distribution and version; ``version_problem`` names an engine older than
        the features the store relies on.
Writes (``create``, ``index``, ``delete``, ``bulk``) are never retried by the client: a retried write
whose first attempt landed comes back as a conflict with our own change (see ``bulk``).
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal, Protocol

EngineName = Literal["elasticsearch", "opensearch"]

# Elasticsearch: bulk ``require_alias`` (7.10), rollover ``max_primary_shard_size`` (7.13), ILM policy
# ``_meta`` (7.14). OpenSearch: ISM rollover ``min_primary_shard_size`` (2.4).
MINIMUM_VERSIONS: dict[EngineName, tuple[int, int]] = {"elasticsearch": (7, 14), "opensearch": (2, 4)}


class EngineError(Exception):
    """The engine answered with an error status; ``body`` is its JSON error (or text)."""

    def __init__(self, status: int, body: Any, message: str = "") -> None:
        super().__init__(message or f"{status}: {body}")
        self.status = status
        self.body = body


class EngineNotFound(EngineError):
    """404: the document, index, template or policy does not exist."""


class EngineConflict(EngineError):
    """409: a taken id, a lost compare-and-swap, or a conditional write of a vanished document."""


class EngineBadRequest(EngineError):
    """400: the request was refused as it is (already existing index, unparsable document...)."""


class EngineForbidden(EngineError):
    """401/403: the credentials lack a privilege."""


class EngineUnreachable(Exception):
    """No answer: connection refused or reset, a timeout, TLS failure."""


def error_for_status(status: int, body: Any, message: str = "") -> EngineError:
    kinds: dict[int, type[EngineError]] = {
        400: EngineBadRequest,
        401: EngineForbidden,
        403: EngineForbidden,
        404: EngineNotFound,
        409: EngineConflict,
    }
    return kinds.get(status, EngineError)(status, body, message)


@dataclass(frozen=True, slots=True)
class EngineInfo:
    engine: EngineName
    version: str

    @property
    def version_tuple(self) -> tuple[int, int]:
        major, _, rest = self.version.partition(".")
        minor = rest.partition(".")[0]
        return int(major), int(minor or 0)

    def version_problem(self) -> str | None:
        """Why this engine is too old for the store, or None."""
        needed = MINIMUM_VERSIONS[self.engine]
        if self.version_tuple >= needed:
            return None
        return (
            f"{self.engine} {self.version} is too old: tasques needs {self.engine} "
            f"{needed[0]}.{needed[1]} or newer"
        )


@dataclass(frozen=True, slots=True)
class RolloverPolicy:
    """A rollover alias's lifecycle, whatever the engine: roll the write index over by age or primary
    shard size, delete a backing index ``retention`` after its rollover."""

    name: str
    description: str
    tasques_version: int
    index_pattern: str
    """The backing indices the policy governs (ISM attaches itself to new ones by this pattern)."""
    rollover_max_age: timedelta
    rollover_max_primary_shard_size: str
    retention: timedelta


class IndicesApi(Protocol):
    async def refresh(self, **params: Any) -> None: ...
    async def create(self, **params: Any) -> dict[str, Any]: ...
    async def delete(self, **params: Any) -> dict[str, Any]: ...
    async def get(self, **params: Any) -> dict[str, Any]: ...
    async def exists(self, **params: Any) -> bool: ...
    async def exists_alias(self, **params: Any) -> bool: ...
    async def put_mapping(self, **params: Any) -> dict[str, Any]: ...
    async def put_index_template(self, **params: Any) -> dict[str, Any]: ...
    async def get_index_template(self, **params: Any) -> dict[str, Any]: ...
    async def delete_index_template(self, **params: Any) -> dict[str, Any]: ...
    async def rollover(self, **params: Any) -> dict[str, Any]: ...


class SearchEngine(Protocol):
    """The calls the store makes, in the Elasticsearch 8 client's keyword shapes; answers are dicts."""

    engine: EngineName
    lifecycle_name: str
    """What the engine calls its lifecycle policies, for messages: "ILM" or "ISM"."""

    @property
    def indices(self) -> IndicesApi: ...

    async def info(self) -> EngineInfo: ...
    async def close(self) -> None: ...
    async def get(self, **params: Any) -> dict[str, Any]: ...
    async def mget(self, **params: Any) -> dict[str, Any]: ...
    async def create(self, **params: Any) -> dict[str, Any]: ...
    async def index(self, **params: Any) -> dict[str, Any]: ...
    async def delete(self, **params: Any) -> dict[str, Any]: ...
    async def bulk(self, **params: Any) -> dict[str, Any]: ...
    async def search(self, **params: Any) -> dict[str, Any]: ...
    async def count(self, **params: Any) -> dict[str, Any]: ...
    async def delete_by_query(self, **params: Any) -> dict[str, Any]: ...
    async def scroll(self, **params: Any) -> dict[str, Any]: ...
    async def clear_scroll(self, **params: Any) -> None: ...

    async def put_rollover_policy(self, policy: RolloverPolicy) -> None: ...
    async def rollover_policy_version(self, name: str) -> int | None:
        """The installed policy's ``tasques_version`` (0 when it has none), None when it is absent."""
        ...

    async def delete_rollover_policy(self, name: str) -> None: ...
    def lifecycle_index_settings(self, *, policy: str, alias: str) -> dict[str, Any]:
        """Template settings that put backing indices under ``policy`` and roll ``alias`` over."""
        ...
