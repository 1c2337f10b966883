from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.new_pipeline_body import NewPipelineBody
from ...models.wire_pipeline import WirePipeline
from typing import cast



def _get_kwargs(
    *,
    body: NewPipelineBody,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}


    

    

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/pipelines",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WirePipeline | None:
    if response.status_code == 201:
        response_201 = WirePipeline.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = ErrorBody.from_dict(response.json())



        return response_400

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WirePipeline]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NewPipelineBody,

) -> Response[ErrorBody | HTTPValidationError | WirePipeline]:
    """ Enqueue a chain, group or chord of tasks (extension)

     Give exactly one of chain, group or chord. Tasks get deterministic ids (<id>.<index>, <id>.callback)
    and carry context.pipeline; the leader enqueues each follow-up task once, even across a crash or
    failover.

    Args:
        body (NewPipelineBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WirePipeline]
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
    body: NewPipelineBody,

) -> ErrorBody | HTTPValidationError | WirePipeline | None:
    """ Enqueue a chain, group or chord of tasks (extension)

     Give exactly one of chain, group or chord. Tasks get deterministic ids (<id>.<index>, <id>.callback)
    and carry context.pipeline; the leader enqueues each follow-up task once, even across a crash or
    failover.

    Args:
        body (NewPipelineBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WirePipeline
     """


    return sync_detailed(
        client=client,
body=body,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: NewPipelineBody,

) -> Response[ErrorBody | HTTPValidationError | WirePipeline]:
    """ Enqueue a chain, group or chord of tasks (extension)

     Give exactly one of chain, group or chord. Tasks get deterministic ids (<id>.<index>, <id>.callback)
    and carry context.pipeline; the leader enqueues each follow-up task once, even across a crash or
    failover.

    Args:
        body (NewPipelineBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WirePipeline]
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
    body: NewPipelineBody,

) -> ErrorBody | HTTPValidationError | WirePipeline | None:
    """ Enqueue a chain, group or chord of tasks (extension)

     Give exactly one of chain, group or chord. Tasks get deterministic ids (<id>.<index>, <id>.callback)
    and carry context.pipeline; the leader enqueues each follow-up task once, even across a crash or
    failover.

    Args:
        body (NewPipelineBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WirePipeline
     """


    return (await asyncio_detailed(
        client=client,
body=body,

    )).parsed
