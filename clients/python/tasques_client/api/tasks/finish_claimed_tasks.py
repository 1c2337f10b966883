from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.finish_batch_body import FinishBatchBody
from ...models.http_validation_error import HTTPValidationError
from ...models.wire_finish_result import WireFinishResult
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: FinishBatchBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_tasques_worker_id, Unset):
        headers["X-TASQUES-WORKER-ID"] = x_tasques_worker_id



    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tasques/batch/finish",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WireFinishResult | None:
    if response.status_code == 200:
        response_200 = WireFinishResult.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WireFinishResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FinishBatchBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireFinishResult]:
    """ Mark many claimed Tasks done, failed or cancelled in one request (extension)

     Each item is checked and written on its own, exactly like the single-task endpoints (ownership by
    X-TASQUES-WORKER-ID, lease tokens, state); results come back in item order.

    Args:
        x_tasques_worker_id (None | str | Unset): The claiming worker's id
        body (FinishBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireFinishResult]
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
    body: FinishBatchBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireFinishResult | None:
    """ Mark many claimed Tasks done, failed or cancelled in one request (extension)

     Each item is checked and written on its own, exactly like the single-task endpoints (ownership by
    X-TASQUES-WORKER-ID, lease tokens, state); results come back in item order.

    Args:
        x_tasques_worker_id (None | str | Unset): The claiming worker's id
        body (FinishBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireFinishResult
     """


    return sync_detailed(
        client=client,
body=body,
x_tasques_worker_id=x_tasques_worker_id,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: FinishBatchBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireFinishResult]:
    """ Mark many claimed Tasks done, failed or cancelled in one request (extension)

     Each item is checked and written on its own, exactly like the single-task endpoints (ownership by
    X-TASQUES-WORKER-ID, lease tokens, state); results come back in item order.

    Args:
        x_tasques_worker_id (None | str | Unset): The claiming worker's id
        body (FinishBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireFinishResult]
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
    body: FinishBatchBody,
    x_tasques_worker_id: None | str | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireFinishResult | None:
    """ Mark many claimed Tasks done, failed or cancelled in one request (extension)

     Each item is checked and written on its own, exactly like the single-task endpoints (ownership by
    X-TASQUES-WORKER-ID, lease tokens, state); results come back in item order.

    Args:
        x_tasques_worker_id (None | str | Unset): The claiming worker's id
        body (FinishBatchBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireFinishResult
     """


    return (await asyncio_detailed(
        client=client,
body=body,
x_tasques_worker_id=x_tasques_worker_id,

    )).parsed
