from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.wire_queue import WireQueue
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    queue: str,
    *,
    paused: bool | Unset = False,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["paused"] = paused


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/queues/{queue}/resume".format(queue=quote(str(queue), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WireQueue | None:
    if response.status_code == 200:
        response_200 = WireQueue.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WireQueue]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    queue: str,
    *,
    client: AuthenticatedClient | Client,
    paused: bool | Unset = False,

) -> Response[ErrorBody | HTTPValidationError | WireQueue]:
    """ Resume claiming from a queue (enqueueing always works); answers its summary as GET /queues lists it

    Args:
        queue (str):
        paused (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireQueue]
     """


    kwargs = _get_kwargs(
        queue=queue,
paused=paused,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    queue: str,
    *,
    client: AuthenticatedClient | Client,
    paused: bool | Unset = False,

) -> ErrorBody | HTTPValidationError | WireQueue | None:
    """ Resume claiming from a queue (enqueueing always works); answers its summary as GET /queues lists it

    Args:
        queue (str):
        paused (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireQueue
     """


    return sync_detailed(
        queue=queue,
client=client,
paused=paused,

    ).parsed

async def asyncio_detailed(
    queue: str,
    *,
    client: AuthenticatedClient | Client,
    paused: bool | Unset = False,

) -> Response[ErrorBody | HTTPValidationError | WireQueue]:
    """ Resume claiming from a queue (enqueueing always works); answers its summary as GET /queues lists it

    Args:
        queue (str):
        paused (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireQueue]
     """


    kwargs = _get_kwargs(
        queue=queue,
paused=paused,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    queue: str,
    *,
    client: AuthenticatedClient | Client,
    paused: bool | Unset = False,

) -> ErrorBody | HTTPValidationError | WireQueue | None:
    """ Resume claiming from a queue (enqueueing always works); answers its summary as GET /queues lists it

    Args:
        queue (str):
        paused (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireQueue
     """


    return (await asyncio_detailed(
        queue=queue,
client=client,
paused=paused,

    )).parsed
