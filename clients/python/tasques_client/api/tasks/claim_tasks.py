from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.claim_body import ClaimBody
from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.wire_task import WireTask
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: ClaimBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tasques_worker_id, Unset):
        headers["X-TASQUES-WORKER-ID"] = x_tasques_worker_id



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasques/claims",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | list[WireTask] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in (_response_200):
            response_200_item = WireTask.from_dict(response_200_item_data)



            response_200.append(response_200_item)

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | list[WireTask]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ClaimBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | list[WireTask]]:
    """ Claims a number of Tasks

     Long-polls up to block_for until amount tasks are claimed. Each returned task carries a lease_token
    (extension).

    Args:
        x_tasques_worker_id (None | str | Unset): The claiming worker's id
        body (ClaimBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | list[WireTask]]
     """


    kwargs = _get_kwargs(
        body=body,
x_tasques_worker_id=x_tasques_worker_id,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ClaimBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | list[WireTask] | None:
    """ Claims a number of Tasks

     Long-polls up to block_for until amount tasks are claimed. Each returned task carries a lease_token
    (extension).

    Args:
        x_tasques_worker_id (None | str | Unset): The claiming worker's id
        body (ClaimBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | list[WireTask]
     """


    return sync_detailed(
        client=client,
body=body,
x_tasques_worker_id=x_tasques_worker_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ClaimBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | list[WireTask]]:
    """ Claims a number of Tasks

     Long-polls up to block_for until amount tasks are claimed. Each returned task carries a lease_token
    (extension).

    Args:
        x_tasques_worker_id (None | str | Unset): The claiming worker's id
        body (ClaimBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | list[WireTask]]
     """


    kwargs = _get_kwargs(
        body=body,
x_tasques_worker_id=x_tasques_worker_id,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ClaimBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | list[WireTask] | None:
    """ Claims a number of Tasks

     Long-polls up to block_for until amount tasks are claimed. Each returned task carries a lease_token
    (extension).

    Args:
        x_tasques_worker_id (None | str | Unset): The claiming worker's id
        body (ClaimBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | list[WireTask]
     """


    return (await asyncio_detailed(
        client=client,
body=body,
x_tasques_worker_id=x_tasques_worker_id,

    )).parsed
