from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.admin_action import AdminAction
from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.wire_task import WireTask
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    queue: str,
    id: str,
    *,
    action: AdminAction | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_action: str | Unset = UNSET
    if not isinstance(action, Unset):
        json_action = action.value

    params["action"] = json_action


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasques/{queue}/{id}/retry".format(queue=quote(str(queue), safe=""),id=quote(str(id), safe=""),),
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WireTask | None:
    if response.status_code == 200:
        response_200 = WireTask.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())



        return response_404

    if response.status_code == 409:
        response_409 = ErrorBody.from_dict(response.json())



        return response_409

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WireTask]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    queue: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    action: AdminAction | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireTask]:
    """ Retry a dead, cancelled or failed Task, archived ones too, with fresh attempts

    Args:
        queue (str):
        id (str):
        action (AdminAction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireTask]
     """


    kwargs = _get_kwargs(
        queue=queue,
id=id,
action=action,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    queue: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    action: AdminAction | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireTask | None:
    """ Retry a dead, cancelled or failed Task, archived ones too, with fresh attempts

    Args:
        queue (str):
        id (str):
        action (AdminAction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireTask
     """


    return sync_detailed(
        queue=queue,
id=id,
client=client,
action=action,

    ).parsed

async def asyncio_detailed(
    queue: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    action: AdminAction | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireTask]:
    """ Retry a dead, cancelled or failed Task, archived ones too, with fresh attempts

    Args:
        queue (str):
        id (str):
        action (AdminAction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireTask]
     """


    kwargs = _get_kwargs(
        queue=queue,
id=id,
action=action,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    queue: str,
    id: str,
    *,
    client: AuthenticatedClient | Client,
    action: AdminAction | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireTask | None:
    """ Retry a dead, cancelled or failed Task, archived ones too, with fresh attempts

    Args:
        queue (str):
        id (str):
        action (AdminAction | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireTask
     """


    return (await asyncio_detailed(
        queue=queue,
id=id,
client=client,
action=action,

    )).parsed
