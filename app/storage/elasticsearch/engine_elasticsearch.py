"""``SearchEngine`` on Elasticsearch, through the official ``elasticsearch`` async client (8.x).

The client already takes the seam's keyword shapes, so calls pass through; what this adapter adds is
plain ``dict`` answers, the seam's exceptions, writes without client retries, ILM policies, and JSON
read and written by ``app.storage.document_json`` (the client's json-module serializer was about a fifth
of a server's CPU under a claim and finish load, most of it parsing candidate hits).
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from elasticsearch import ApiError, AsyncElasticsearch, JsonSerializer, TransportError

from app.storage import document_json
from app.storage.elasticsearch.engine import (
    EngineInfo,
    EngineName,
    EngineNotFound,
    EngineUnreachable,
    RolloverPolicy,
    error_for_status,
)
from app.storage.elasticsearch.engine_durations import engine_duration


class DocumentJsonSerializer(JsonSerializer):
    """The client's JSON serializer (its errors, its handling of dates and ``bytes`` bodies) on faster
    parsers; the client uses it for the compatibility-mode media type too."""

    def json_loads(self, data: bytes) -> Any:
        return document_json.loads(data)

    def json_dumps(self, data: Any) -> bytes:
        return document_json.dumps(data, default=self.default)  # the client wraps its errors


@asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    try:
        yield
    except ApiError as error:
        raise error_for_status(error.meta.status, error.body, str(error)) from error
    except TransportError as error:
        raise EngineUnreachable(str(error)) from error


async def _answer(call: Callable[..., Awaitable[Any]], params: dict[str, Any]) -> dict[str, Any]:
    async with _translated():
        response = await call(**params)
    body = response.body
    return body if isinstance(body, dict) else {}


class _ElasticsearchIndices:
    def __init__(self, client: AsyncElasticsearch) -> None:
        self._indices = client.indices

    async def refresh(self, **params: Any) -> None:
        await _answer(self._indices.refresh, params)

    async def create(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.create, params)

    async def delete(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.delete, params)

    async def get(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.get, params)

    async def exists(self, **params: Any) -> bool:
        async with _translated():
            return bool(await self._indices.exists(**params))

    async def exists_alias(self, **params: Any) -> bool:
        async with _translated():
            return bool(await self._indices.exists_alias(**params))

    async def put_mapping(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.put_mapping, params)

    async def put_index_template(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.put_index_template, params)

    async def get_index_template(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.get_index_template, params)

    async def delete_index_template(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.delete_index_template, params)

    async def rollover(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.rollover, params)


class ElasticsearchEngine:
    engine: EngineName = "elasticsearch"
    lifecycle_name: str = "ILM"

    def __init__(self, client: AsyncElasticsearch) -> None:
        self._client = client
        self._writer = client.options(max_retries=0)
        self.indices = _ElasticsearchIndices(client)

    @classmethod
    def connect(
        cls,
        urls: list[str],
        *,
        username: str | None,
        password: str | None,
        request_timeout: float,
        ca_certs: str | None,
    ) -> "ElasticsearchEngine":
        options: dict[str, Any] = {
            "request_timeout": request_timeout,
            "retry_on_timeout": False,
            "serializers": {DocumentJsonSerializer.mimetype: DocumentJsonSerializer()},
        }
        if username is not None:
            options["basic_auth"] = (username, password or "")
        if ca_certs is not None:
            options["ca_certs"] = ca_certs
        return cls(AsyncElasticsearch(urls, **options))

    async def info(self) -> EngineInfo:
        body = await _answer(self._client.info, {})
        return EngineInfo(engine="elasticsearch", version=str(body["version"]["number"]))

    async def close(self) -> None:
        await self._client.close()

    async def get(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._client.get, params)

    async def mget(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._client.mget, params)

    async def create(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._writer.create, params)

    async def index(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._writer.index, params)

    async def delete(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._writer.delete, params)

    async def bulk(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._writer.bulk, params)

    async def search(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._client.search, params)

    async def count(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._client.count, params)

    async def delete_by_query(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._client.delete_by_query, params)

    async def scroll(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._client.scroll, params)

    async def clear_scroll(self, **params: Any) -> None:
        await _answer(self._client.clear_scroll, params)

    async def put_rollover_policy(self, policy: RolloverPolicy) -> None:
        body = {
            "_meta": {"description": policy.description, "tasques_version": policy.tasques_version},
            "phases": {
                "hot": {
                    "actions": {
                        "rollover": {
                            "max_age": engine_duration(policy.rollover_max_age),
                            "max_primary_shard_size": policy.rollover_max_primary_shard_size,
                        }
                    }
                },
                # min_age counts from rollover: a document is kept between retention and
                # retention + rollover_max_age (or until the shard-size rollover).
                "delete": {"min_age": engine_duration(policy.retention), "actions": {"delete": {}}},
            },
        }
        await _answer(self._client.ilm.put_lifecycle, {"name": policy.name, "policy": body})

    async def rollover_policy_version(self, name: str) -> int | None:
        try:
            body = await _answer(self._client.ilm.get_lifecycle, {"name": name})
        except EngineNotFound:
            return None
        meta = body.get(name, {}).get("policy", {}).get("_meta") or {}
        return int(meta.get("tasques_version") or 0)

    async def delete_rollover_policy(self, name: str) -> None:
        await _answer(self._client.ilm.delete_lifecycle, {"name": name})

    def lifecycle_index_settings(self, *, policy: str, alias: str) -> dict[str, Any]:
        return {"index.lifecycle.name": policy, "index.lifecycle.rollover_alias": alias}
