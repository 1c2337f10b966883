"""``SearchEngine`` on OpenSearch 2.x, through the official ``opensearch-py`` async client.

opensearch-py takes request bodies as ``body=`` and URL parameters as keywords, so each call moves the
seam's body fields into ``body``. Writes go through a second client built with ``max_retries=0``
(opensearch-py has no per-request retry switch). Lifecycle is Index State Management: a policy with a
rollover state and a delete state, attached to new backing indices by its ``ism_template``; ISM
policies have no ``_meta``, so the tasques version rides in the description. JSON is read and written by
``app.storage.document_json`` (the client's json-module serializer was about a fifth of a server's CPU
under a claim and finish load, most of it parsing candidate hits).
"""

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from opensearchpy import AsyncOpenSearch, JSONSerializer, SerializationError, TransportError

from app.storage import document_json
from app.storage.elasticsearch.engine import (
    EngineConflict,
    EngineInfo,
    EngineName,
    EngineNotFound,
    EngineUnreachable,
    RolloverPolicy,
    error_for_status,
)
from app.storage.elasticsearch.engine_durations import engine_duration

_SEARCH_BODY = frozenset(
    {
        "query", "sort", "size", "from_", "aggs", "aggregations", "search_after", "seq_no_primary_term",
        "_source", "track_total_hits", "collapse", "post_filter", "highlight", "version", "min_score",
        "stored_fields", "docvalue_fields", "script_fields", "timeout", "terminate_after",
    }
)  # fmt: skip
_VERSION_IN_DESCRIPTION = re.compile(r"\[tasques_version (\d+)\]")
_ISM_POLICIES = "/_plugins/_ism/policies"
# Concurrent setups replacing the same policy: re-read its version and try again this many times.
_POLICY_PUT_ATTEMPTS = 3


class DocumentJsonSerializer(JSONSerializer):
    """The client's JSON serializer (its errors, dates, ``str``/``bytes`` bodies passed through) on faster
    parsers."""

    def loads(self, s: str) -> Any:
        try:
            return document_json.loads(s)
        except ValueError:
            return super().loads(s)  # raises the client's SerializationError

    def dumps(self, data: Any) -> Any:
        if isinstance(data, str | bytes):
            return data
        try:
            # Text, as the client's own: it joins bulk lines given as a list with "\n".join.
            return document_json.dumps(data, default=self.default).decode()
        except (ValueError, TypeError) as error:
            raise SerializationError(data, error) from error


def _split(params: dict[str, Any], body_keys: frozenset[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    # The Elasticsearch client drops None arguments; so does this split.
    given = {key: value for key, value in params.items() if value is not None}
    body = {("from" if key == "from_" else key): value for key, value in given.items() if key in body_keys}
    rest = {key: value for key, value in given.items() if key not in body_keys}
    return body, rest


@asynccontextmanager
async def _translated() -> AsyncIterator[None]:
    try:
        yield
    except TransportError as error:
        if isinstance(error.status_code, int):
            raise error_for_status(error.status_code, error.info, str(error)) from error
        raise EngineUnreachable(str(error)) from error


async def _answer(call: Callable[..., Awaitable[Any]], params: dict[str, Any]) -> dict[str, Any]:
    async with _translated():
        response = await call(**params)
    return response if isinstance(response, dict) else {}


async def _with_body(
    call: Callable[..., Awaitable[Any]], params: dict[str, Any], body_keys: frozenset[str]
) -> dict[str, Any]:
    body, rest = _split(params, body_keys)
    return await _answer(call, {**rest, "body": body} if body else rest)


class _OpenSearchIndices:
    def __init__(self, client: AsyncOpenSearch) -> None:
        self._indices = client.indices

    async def refresh(self, **params: Any) -> None:
        await _answer(self._indices.refresh, params)

    async def create(self, **params: Any) -> dict[str, Any]:
        return await _with_body(self._indices.create, params, frozenset({"mappings", "settings", "aliases"}))

    async def delete(self, **params: Any) -> dict[str, Any]:
        index = params.pop("index")
        return await _answer(
            self._indices.delete, {"index": ",".join(index) if isinstance(index, list) else index, **params}
        )

    async def get(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.get, params)

    async def exists(self, **params: Any) -> bool:
        async with _translated():
            return bool(await self._indices.exists(**params))

    async def exists_alias(self, **params: Any) -> bool:
        async with _translated():
            return bool(await self._indices.exists_alias(**params))

    async def put_mapping(self, **params: Any) -> dict[str, Any]:
        return await _with_body(self._indices.put_mapping, params, frozenset({"properties", "dynamic"}))

    async def put_index_template(self, **params: Any) -> dict[str, Any]:
        keys = frozenset({"index_patterns", "template", "priority", "version", "_meta", "composed_of"})
        if "meta" in params:  # the Elasticsearch client's name for the body's _meta
            params["_meta"] = params.pop("meta")
        return await _with_body(self._indices.put_index_template, params, keys)

    async def get_index_template(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.get_index_template, params)

    async def delete_index_template(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._indices.delete_index_template, params)

    async def rollover(self, **params: Any) -> dict[str, Any]:
        return await _with_body(self._indices.rollover, params, frozenset({"conditions"}))


class OpenSearchEngine:
    engine: EngineName = "opensearch"
    lifecycle_name: str = "ISM"

    def __init__(self, reader: AsyncOpenSearch, writer: AsyncOpenSearch) -> None:
        self._client = reader
        self._writer = writer
        self.indices = _OpenSearchIndices(reader)

    @classmethod
    def connect(
        cls,
        urls: list[str],
        *,
        username: str | None,
        password: str | None,
        request_timeout: float,
        ca_certs: str | None,
    ) -> "OpenSearchEngine":
        options: dict[str, Any] = {
            "timeout": request_timeout,
            "retry_on_timeout": False,
            "serializer": DocumentJsonSerializer(),
        }
        if username is not None:
            options["http_auth"] = (username, password or "")
        if ca_certs is not None:
            options["ca_certs"] = ca_certs
        return cls(AsyncOpenSearch(urls, **options), AsyncOpenSearch(urls, max_retries=0, **options))

    async def info(self) -> EngineInfo:
        body = await _answer(self._client.info, {})
        version = body["version"]
        engine: EngineName = "opensearch" if version.get("distribution") == "opensearch" else "elasticsearch"
        return EngineInfo(engine=engine, version=str(version["number"]))

    async def close(self) -> None:
        await self._client.close()
        await self._writer.close()

    async def get(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._client.get, params)

    async def mget(self, **params: Any) -> dict[str, Any]:
        return await _with_body(self._client.mget, params, frozenset({"docs", "ids"}))

    async def create(self, **params: Any) -> dict[str, Any]:
        params["body"] = params.pop("document")
        return await _answer(self._writer.create, params)

    async def index(self, **params: Any) -> dict[str, Any]:
        params["body"] = params.pop("document")
        return await _answer(self._writer.index, params)

    async def delete(self, **params: Any) -> dict[str, Any]:
        return await _answer(self._writer.delete, params)

    async def bulk(self, **params: Any) -> dict[str, Any]:
        params["body"] = params.pop("operations")
        return await _answer(self._writer.bulk, params)

    async def search(self, **params: Any) -> dict[str, Any]:
        return await _with_body(self._client.search, params, _SEARCH_BODY)

    async def count(self, **params: Any) -> dict[str, Any]:
        return await _with_body(self._client.count, params, frozenset({"query"}))

    async def delete_by_query(self, **params: Any) -> dict[str, Any]:
        return await _with_body(
            self._writer.delete_by_query, params, frozenset({"query", "max_docs", "sort"})
        )

    async def scroll(self, **params: Any) -> dict[str, Any]:
        return await _with_body(self._client.scroll, params, frozenset({"scroll_id", "scroll"}))

    async def clear_scroll(self, **params: Any) -> None:
        await _with_body(self._client.clear_scroll, params, frozenset({"scroll_id"}))

    async def put_rollover_policy(self, policy: RolloverPolicy) -> None:
        body = {
            "policy": {
                "description": f"{policy.description} [tasques_version {policy.tasques_version}]",
                "default_state": "rollover",
                "states": [
                    {
                        "name": "rollover",
                        "actions": [
                            {
                                "rollover": {
                                    "min_index_age": engine_duration(policy.rollover_max_age),
                                    "min_primary_shard_size": policy.rollover_max_primary_shard_size,
                                }
                            }
                        ],
                        "transitions": [
                            {
                                "state_name": "delete",
                                "conditions": {"min_rollover_age": engine_duration(policy.retention)},
                            }
                        ],
                    },
                    {"name": "delete", "actions": [{"delete": {}}], "transitions": []},
                ],
                "ism_template": [{"index_patterns": [policy.index_pattern], "priority": 100}],
            }
        }
        # Replacing an ISM policy takes the seq_no/primary_term of the one it replaces.
        for attempt in range(_POLICY_PUT_ATTEMPTS):
            params = await self._policy_condition(policy.name)
            try:
                async with _translated():
                    await self._writer.transport.perform_request(
                        "PUT", f"{_ISM_POLICIES}/{policy.name}", params=params, body=body
                    )
            except EngineConflict:
                if attempt + 1 == _POLICY_PUT_ATTEMPTS:
                    raise  # setup reports it rather than carrying on without the policy
                continue  # another setup raced us: read the new version and replace that
            return

    async def _policy_condition(self, name: str) -> dict[str, Any]:
        try:
            async with _translated():
                current = await self._client.transport.perform_request("GET", f"{_ISM_POLICIES}/{name}")
        except EngineNotFound:
            return {}
        return {"if_seq_no": current["_seq_no"], "if_primary_term": current["_primary_term"]}

    async def rollover_policy_version(self, name: str) -> int | None:
        try:
            async with _translated():
                body = await self._client.transport.perform_request("GET", f"{_ISM_POLICIES}/{name}")
        except EngineNotFound:
            return None
        description = str(body.get("policy", {}).get("description", ""))
        found = _VERSION_IN_DESCRIPTION.search(description)
        return int(found.group(1)) if found else 0

    async def delete_rollover_policy(self, name: str) -> None:
        async with _translated():
            await self._writer.transport.perform_request("DELETE", f"{_ISM_POLICIES}/{name}")

    def lifecycle_index_settings(self, *, policy: str, alias: str) -> dict[str, Any]:
        # The policy attaches itself through its ism_template; the rollover action needs the alias.
        return {"plugins.index_state_management.rollover_alias": alias}
