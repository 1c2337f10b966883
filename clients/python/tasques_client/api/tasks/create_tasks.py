from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.new_task_batch_body import NewTaskBatchBody
from ...models.wire_batch_result import WireBatchResult
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: NewTaskBatchBody,
    wait: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    params: dict[str, Any] = {}

    json_wait: None | str | Unset
    if isinstance(wait, Unset):
        json_wait = UNSET
    else:
        json_wait = wait
    params["wait"] = json_wait


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasques/batch",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WireBatchResult | None:
    if response.status_code == 200:
        response_200 = WireBatchResult.from_dict(response.json())



        return response_200

    if response.status_code == 202:
        response_202 = WireBatchResult.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WireBatchResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NewTaskBatchBody,
    wait: None | str | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireBatchResult]:
    """ Add many Tasks in one request (extension)

     All items are validated first (one bad item: 400, nothing stored); then each is created or reported
    as a 409 conflict on its own.

    Args:
        wait (None | str | Unset): Extension: hold the request until the task is done, dead or
            cancelled, up to this Go duration; 202 with the task if it is still unfinished then
        body (NewTaskBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireBatchResult]
     """


    kwargs = _get_kwargs(
        body=body,
wait=wait,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    body: NewTaskBatchBody,
    wait: None | str | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireBatchResult | None:
    """ Add many Tasks in one request (extension)

     All items are validated first (one bad item: 400, nothing stored); then each is created or reported
    as a 409 conflict on its own.

    Args:
        wait (None | str | Unset): Extension: hold the request until the task is done, dead or
            cancelled, up to this Go duration; 202 with the task if it is still unfinished then
        body (NewTaskBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireBatchResult
     """


    return sync_detailed(
        client=client,
body=body,
wait=wait,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NewTaskBatchBody,
    wait: None | str | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireBatchResult]:
    """ Add many Tasks in one request (extension)

     All items are validated first (one bad item: 400, nothing stored); then each is created or reported
    as a 409 conflict on its own.

    Args:
        wait (None | str | Unset): Extension: hold the request until the task is done, dead or
            cancelled, up to this Go duration; 202 with the task if it is still unfinished then
        body (NewTaskBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireBatchResult]
     """


    kwargs = _get_kwargs(
        body=body,
wait=wait,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: NewTaskBatchBody,
    wait: None | str | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireBatchResult | None:
    """ Add many Tasks in one request (extension)

     All items are validated first (one bad item: 400, nothing stored); then each is created or reported
    as a 409 conflict on its own.

    Args:
        wait (None | str | Unset): Extension: hold the request until the task is done, dead or
            cancelled, up to this Go duration; 202 with the task if it is still unfinished then
        body (NewTaskBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireBatchResult
     """


    return (await asyncio_detailed(
        client=client,
body=body,
wait=wait,

    )).parsed
