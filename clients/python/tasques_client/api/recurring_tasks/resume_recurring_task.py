from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.resume_body import ResumeBody
from ...models.wire_recurring_task import WireRecurringTask
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    id: str,
    *,
    body: None | ResumeBody | Unset = UNSET,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/recurring_tasques/{id}/resume".format(id=quote(str(id), safe=""),),
    }

    
    if isinstance(body, ResumeBody):
        _kwargs["json"] = body.to_dict()
    else:
        _kwargs["json"] = body

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WireRecurringTask | None:
    if response.status_code == 200:
        response_200 = WireRecurringTask.from_dict(response.json())



        return response_200

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

    if response.status_code == 404:
        response_404 = ErrorBody.from_dict(response.json())



        return response_404

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WireRecurringTask]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: None | ResumeBody | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireRecurringTask]:
    """ Fire again from the next fire on (extension)

     Fires that fell while paused do not happen (use backfill for a range of them), unless the body says
    {"catch_up": true}: then those within the catch-up window are enqueued on the scheduler's next pass,
    oldest first.

    Args:
        id (str):
        body (None | ResumeBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireRecurringTask]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: None | ResumeBody | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireRecurringTask | None:
    """ Fire again from the next fire on (extension)

     Fires that fell while paused do not happen (use backfill for a range of them), unless the body says
    {"catch_up": true}: then those within the catch-up window are enqueued on the scheduler's next pass,
    oldest first.

    Args:
        id (str):
        body (None | ResumeBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireRecurringTask
     """


    return sync_detailed(
        id=id,
client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: None | ResumeBody | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireRecurringTask]:
    """ Fire again from the next fire on (extension)

     Fires that fell while paused do not happen (use backfill for a range of them), unless the body says
    {"catch_up": true}: then those within the catch-up window are enqueued on the scheduler's next pass,
    oldest first.

    Args:
        id (str):
        body (None | ResumeBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireRecurringTask]
     """


    kwargs = _get_kwargs(
        id=id,
body=body,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    id: str,
    *,
    client: AuthenticatedClient | Client,
    body: None | ResumeBody | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireRecurringTask | None:
    """ Fire again from the next fire on (extension)

     Fires that fell while paused do not happen (use backfill for a range of them), unless the body says
    {"catch_up": true}: then those within the catch-up window are enqueued on the scheduler's next pass,
    oldest first.

    Args:
        id (str):
        body (None | ResumeBody | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireRecurringTask
     """


    return (await asyncio_detailed(
        id=id,
client=client,
body=body,

    )).parsed
