from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.search_body import SearchBody
from ...models.wire_task_page import WireTaskPage
from typing import cast



def _get_kwargs(
    *,
    body: SearchBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasques/_search",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WireTaskPage | None:
    if response.status_code == 200:
        response_200 = WireTaskPage.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 413:
        response_413 = ErrorBody.from_dict(response.json())



        return response_413

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())



        return response_422

    if response.status_code == 503:
        response_503 = ErrorBody.from_dict(response.json())



        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WireTaskPage]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SearchBody,

) -> Response[ErrorBody | HTTPValidationError | WireTaskPage]:
    """ List Tasks by a JSON query

     Extension: the query of `GET /tasques/_search` as a JSON body, with the same names (queue, state and
    kind are lists) and the same answer. Unknown fields answer 400. Filters combine with AND; several
    queue, state or kind values combine with OR. Time ranges: `<field>_after` is inclusive,
    `<field>_before` exclusive, for created (metadata.created_at), run_at, claimed
    (last_claimed.claimed_at; never-claimed tasks never match) and finished (the time a task reached
    done, dead or cancelled: its metadata.modified_at; only tasks in those states match); an after later
    than its before answers 400. `error_text` matches the failure data (last_claimed.result.failure),
    `text` the args and the result data (success or failure): case-insensitively, as a substring on
    SQLite and as a phrase of whole words on Elasticsearch, so whole words answer the same on both.
    `sort`: created (default), run_at, priority or finished (metadata.modified_at), `order` desc
    (default) or asc; ties by queue, then id. A cursor only continues the sort and order it came from
    (400 otherwise). On Elasticsearch the listing shows writes after the index refresh (1 s by default).
    Aggregations (extension): `aggs` names any of queue_state, kind, error_class, finished_per_minute
    (comma-separated or repeated); the answer then carries `aggregations`, computed over every task the
    filters select (archived ones too with include_archive), not just the page. `limit=0` skips the
    listing. `queue_state`: tasks per queue with counts per state; `kind`: tasks per kind;
    `error_class`: failed and dead tasks per error class. Each of these answers at most 100 buckets,
    largest first (ties by key); `other` counts the tasks in the buckets left out. The error class of a
    failed or dead task comes from its failure data (last_claimed.result.failure): the first non-empty
    string under error_class, error_type, type (cut to 256 characters), else `timed_out` for the
    reaper's timeout failure, `given_up` for `give_up: true`, else `unclassified` (also for tasks stored
    before this rule existed). `finished_per_minute`: tasks now done, failed, dead or cancelled, by the
    minute of their last change (metadata.modified_at), one bucket per minute of
    created_after..created_before widened to whole minutes (defaults: the last hour up to now); more
    than 1440 minutes answers 400.

    Args:
        body (SearchBody): The query of GET /tasques/_search as one JSON object, for POST
            /tasques/_search.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireTaskPage]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: SearchBody,

) -> ErrorBody | HTTPValidationError | WireTaskPage | None:
    """ List Tasks by a JSON query

     Extension: the query of `GET /tasques/_search` as a JSON body, with the same names (queue, state and
    kind are lists) and the same answer. Unknown fields answer 400. Filters combine with AND; several
    queue, state or kind values combine with OR. Time ranges: `<field>_after` is inclusive,
    `<field>_before` exclusive, for created (metadata.created_at), run_at, claimed
    (last_claimed.claimed_at; never-claimed tasks never match) and finished (the time a task reached
    done, dead or cancelled: its metadata.modified_at; only tasks in those states match); an after later
    than its before answers 400. `error_text` matches the failure data (last_claimed.result.failure),
    `text` the args and the result data (success or failure): case-insensitively, as a substring on
    SQLite and as a phrase of whole words on Elasticsearch, so whole words answer the same on both.
    `sort`: created (default), run_at, priority or finished (metadata.modified_at), `order` desc
    (default) or asc; ties by queue, then id. A cursor only continues the sort and order it came from
    (400 otherwise). On Elasticsearch the listing shows writes after the index refresh (1 s by default).
    Aggregations (extension): `aggs` names any of queue_state, kind, error_class, finished_per_minute
    (comma-separated or repeated); the answer then carries `aggregations`, computed over every task the
    filters select (archived ones too with include_archive), not just the page. `limit=0` skips the
    listing. `queue_state`: tasks per queue with counts per state; `kind`: tasks per kind;
    `error_class`: failed and dead tasks per error class. Each of these answers at most 100 buckets,
    largest first (ties by key); `other` counts the tasks in the buckets left out. The error class of a
    failed or dead task comes from its failure data (last_claimed.result.failure): the first non-empty
    string under error_class, error_type, type (cut to 256 characters), else `timed_out` for the
    reaper's timeout failure, `given_up` for `give_up: true`, else `unclassified` (also for tasks stored
    before this rule existed). `finished_per_minute`: tasks now done, failed, dead or cancelled, by the
    minute of their last change (metadata.modified_at), one bucket per minute of
    created_after..created_before widened to whole minutes (defaults: the last hour up to now); more
    than 1440 minutes answers 400.

    Args:
        body (SearchBody): The query of GET /tasques/_search as one JSON object, for POST
            /tasques/_search.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireTaskPage
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: SearchBody,

) -> Response[ErrorBody | HTTPValidationError | WireTaskPage]:
    """ List Tasks by a JSON query

     Extension: the query of `GET /tasques/_search` as a JSON body, with the same names (queue, state and
    kind are lists) and the same answer. Unknown fields answer 400. Filters combine with AND; several
    queue, state or kind values combine with OR. Time ranges: `<field>_after` is inclusive,
    `<field>_before` exclusive, for created (metadata.created_at), run_at, claimed
    (last_claimed.claimed_at; never-claimed tasks never match) and finished (the time a task reached
    done, dead or cancelled: its metadata.modified_at; only tasks in those states match); an after later
    than its before answers 400. `error_text` matches the failure data (last_claimed.result.failure),
    `text` the args and the result data (success or failure): case-insensitively, as a substring on
    SQLite and as a phrase of whole words on Elasticsearch, so whole words answer the same on both.
    `sort`: created (default), run_at, priority or finished (metadata.modified_at), `order` desc
    (default) or asc; ties by queue, then id. A cursor only continues the sort and order it came from
    (400 otherwise). On Elasticsearch the listing shows writes after the index refresh (1 s by default).
    Aggregations (extension): `aggs` names any of queue_state, kind, error_class, finished_per_minute
    (comma-separated or repeated); the answer then carries `aggregations`, computed over every task the
    filters select (archived ones too with include_archive), not just the page. `limit=0` skips the
    listing. `queue_state`: tasks per queue with counts per state; `kind`: tasks per kind;
    `error_class`: failed and dead tasks per error class. Each of these answers at most 100 buckets,
    largest first (ties by key); `other` counts the tasks in the buckets left out. The error class of a
    failed or dead task comes from its failure data (last_claimed.result.failure): the first non-empty
    string under error_class, error_type, type (cut to 256 characters), else `timed_out` for the
    reaper's timeout failure, `given_up` for `give_up: true`, else `unclassified` (also for tasks stored
    before this rule existed). `finished_per_minute`: tasks now done, failed, dead or cancelled, by the
    minute of their last change (metadata.modified_at), one bucket per minute of
    created_after..created_before widened to whole minutes (defaults: the last hour up to now); more
    than 1440 minutes answers 400.

    Args:
        body (SearchBody): The query of GET /tasques/_search as one JSON object, for POST
            /tasques/_search.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireTaskPage]
     """


    kwargs = _get_kwargs(
        body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: SearchBody,

) -> ErrorBody | HTTPValidationError | WireTaskPage | None:
    """ List Tasks by a JSON query

     Extension: the query of `GET /tasques/_search` as a JSON body, with the same names (queue, state and
    kind are lists) and the same answer. Unknown fields answer 400. Filters combine with AND; several
    queue, state or kind values combine with OR. Time ranges: `<field>_after` is inclusive,
    `<field>_before` exclusive, for created (metadata.created_at), run_at, claimed
    (last_claimed.claimed_at; never-claimed tasks never match) and finished (the time a task reached
    done, dead or cancelled: its metadata.modified_at; only tasks in those states match); an after later
    than its before answers 400. `error_text` matches the failure data (last_claimed.result.failure),
    `text` the args and the result data (success or failure): case-insensitively, as a substring on
    SQLite and as a phrase of whole words on Elasticsearch, so whole words answer the same on both.
    `sort`: created (default), run_at, priority or finished (metadata.modified_at), `order` desc
    (default) or asc; ties by queue, then id. A cursor only continues the sort and order it came from
    (400 otherwise). On Elasticsearch the listing shows writes after the index refresh (1 s by default).
    Aggregations (extension): `aggs` names any of queue_state, kind, error_class, finished_per_minute
    (comma-separated or repeated); the answer then carries `aggregations`, computed over every task the
    filters select (archived ones too with include_archive), not just the page. `limit=0` skips the
    listing. `queue_state`: tasks per queue with counts per state; `kind`: tasks per kind;
    `error_class`: failed and dead tasks per error class. Each of these answers at most 100 buckets,
    largest first (ties by key); `other` counts the tasks in the buckets left out. The error class of a
    failed or dead task comes from its failure data (last_claimed.result.failure): the first non-empty
    string under error_class, error_type, type (cut to 256 characters), else `timed_out` for the
    reaper's timeout failure, `given_up` for `give_up: true`, else `unclassified` (also for tasks stored
    before this rule existed). `finished_per_minute`: tasks now done, failed, dead or cancelled, by the
    minute of their last change (metadata.modified_at), one bucket per minute of
    created_after..created_before widened to whole minutes (defaults: the last hour up to now); more
    than 1440 minutes answers 400.

    Args:
        body (SearchBody): The query of GET /tasques/_search as one JSON object, for POST
            /tasques/_search.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireTaskPage
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
