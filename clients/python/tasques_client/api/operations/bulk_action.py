from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.admin_action import AdminAction
from ...models.bulk_body import BulkBody
from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.wire_bulk_preview import WireBulkPreview
from ...models.wire_job_envelope import WireJobEnvelope
from typing import cast



def _get_kwargs(
    action: AdminAction,
    *,
    body: BulkBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasques/_bulk/{action}".format(action=quote(str(action), safe=""),),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope | None:
    if response.status_code == 200:
        response_200 = WireBulkPreview.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = WireJobEnvelope.from_dict(response.json())



        return response_202

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    action: AdminAction,
    *,
    client: AuthenticatedClient | Client,
    body: BulkBody,

) -> Response[ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope]:
    """ Apply an action to every live Task matching a query (retry: archived ones too)

     The query takes the filters of POST /tasques/_search by the same names, with the same 400s (no sort,
    order, limit, cursor or aggs; include_archive only for retry, which brings archived tasks back live:
    for other actions archived tasks are read-only), so it selects exactly the tasks that search lists.
    dry_run answers the count and a sample. Otherwise 202 with an admin job that the leader works
    through in batches, newest created first; follow it at GET /admin/jobs/{id}. Tasks that changed
    meanwhile are skipped and counted.

    Args:
        action (AdminAction):
        body (BulkBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope]
     """


    kwargs = _get_kwargs(
        action=action,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    action: AdminAction,
    *,
    client: AuthenticatedClient | Client,
    body: BulkBody,

) -> ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope | None:
    """ Apply an action to every live Task matching a query (retry: archived ones too)

     The query takes the filters of POST /tasques/_search by the same names, with the same 400s (no sort,
    order, limit, cursor or aggs; include_archive only for retry, which brings archived tasks back live:
    for other actions archived tasks are read-only), so it selects exactly the tasks that search lists.
    dry_run answers the count and a sample. Otherwise 202 with an admin job that the leader works
    through in batches, newest created first; follow it at GET /admin/jobs/{id}. Tasks that changed
    meanwhile are skipped and counted.

    Args:
        action (AdminAction):
        body (BulkBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope
     """


    return sync_detailed(
        action=action,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    action: AdminAction,
    *,
    client: AuthenticatedClient | Client,
    body: BulkBody,

) -> Response[ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope]:
    """ Apply an action to every live Task matching a query (retry: archived ones too)

     The query takes the filters of POST /tasques/_search by the same names, with the same 400s (no sort,
    order, limit, cursor or aggs; include_archive only for retry, which brings archived tasks back live:
    for other actions archived tasks are read-only), so it selects exactly the tasks that search lists.
    dry_run answers the count and a sample. Otherwise 202 with an admin job that the leader works
    through in batches, newest created first; follow it at GET /admin/jobs/{id}. Tasks that changed
    meanwhile are skipped and counted.

    Args:
        action (AdminAction):
        body (BulkBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope]
     """


    kwargs = _get_kwargs(
        action=action,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    action: AdminAction,
    *,
    client: AuthenticatedClient | Client,
    body: BulkBody,

) -> ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope | None:
    """ Apply an action to every live Task matching a query (retry: archived ones too)

     The query takes the filters of POST /tasques/_search by the same names, with the same 400s (no sort,
    order, limit, cursor or aggs; include_archive only for retry, which brings archived tasks back live:
    for other actions archived tasks are read-only), so it selects exactly the tasks that search lists.
    dry_run answers the count and a sample. Otherwise 202 with an admin job that the leader works
    through in batches, newest created first; follow it at GET /admin/jobs/{id}. Tasks that changed
    meanwhile are skipped and counted.

    Args:
        action (AdminAction):
        body (BulkBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireBulkPreview | WireJobEnvelope
     """


    return (await asyncio_detailed(
        action=action,
client=client,
body=body,

    )).parsed
