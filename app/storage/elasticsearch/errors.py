"""Client exceptions become domain errors here, so nothing from ``elasticsearch`` leaves the package."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from app.domain.errors import StoreUnavailable
from app.storage.elasticsearch.engine import EngineError, EngineUnreachable

# A scripted write on a cluster with ``script.allowed_types: none`` fails item by item with this text.
_SCRIPTS_DISABLED_HINT = "cannot execute"
# A conditional write or delete of a vanished document answers 409, not 404; only the reason tells.
NO_DOCUMENT = "no document was found"


def error_type(body: Any) -> str | None:
    error = body.get("error") if isinstance(body, dict) else None
    return error.get("type") if isinstance(error, dict) else None


def document_missing(error: EngineError) -> bool:
    """A single-document 404, or the 409 of a conditional write whose document is gone."""
    return error.status == 404 or (error.status == 409 and NO_DOCUMENT in error_reason(error.body))


def shards_starting(error: EngineError) -> bool:
    """A search that found no started shard copy to run on, as a just-created index answers until its
    primary is allocated: ``search_phase_execution_exception`` with no failed shard listed. Usually 503
    "all shards failed"; OpenSearch 2.19 sometimes answers 500 instead when the search has aggregations
    (a null-pointer exception reducing the aggregations of zero shards, seen on the claim search while
    queue indices were being created under concurrent claimers)."""
    body = error.body.get("error") if isinstance(error.body, dict) else None
    return (
        error.status in (500, 503)
        and isinstance(body, dict)
        and body.get("type") == "search_phase_execution_exception"
        and not body.get("failed_shards")
        and not body.get("root_cause")
    )


def error_reason(body: Any) -> str:
    """``type: reason`` from an ES error body (request level or bulk item level)."""
    error = body.get("error", body) if isinstance(body, dict) else body
    if not isinstance(error, dict):
        return str(error)
    reason = f"{error.get('type', 'error')}: {error.get('reason', '')}"
    if error.get("type") == "illegal_argument_exception" and _SCRIPTS_DISABLED_HINT in reason:
        reason += " (scripts are disabled on this cluster; run with scripted updates turned off)"
    return reason


def store_unavailable(action: str, error: EngineError | EngineUnreachable) -> StoreUnavailable:
    if isinstance(error, EngineError):
        return StoreUnavailable(
            f"{action}: the search engine answered {error.status}, {error_reason(error.body)}"
        )
    return StoreUnavailable(f"{action}: {error}")


@contextmanager
def translated_errors(action: str) -> Iterator[None]:
    """Turn any client failure inside the block into ``StoreUnavailable`` naming ``action``.

    Every status ends up here, 4xx included: a 400 from a request this package built is a bug or a
    cluster setting (scripts disabled, read-only index), and either way the caller can only retry later.
    Callers catch the statuses that mean something (404, 409) before entering this block.
    """
    try:
        yield
    except (EngineError, EngineUnreachable) as error:
        raise store_unavailable(action, error) from error
