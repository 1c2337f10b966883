from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.wire_timeline import WireTimeline
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    queue: None | str | Unset = UNSET,
    minutes: int | Unset = 60,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_queue: None | str | Unset
    if isinstance(queue, Unset):
        json_queue = UNSET
    else:
        json_queue = queue
    params["queue"] = json_queue

    params["minutes"] = minutes


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/timeline",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ErrorBody | HTTPValidationError | WireTimeline | None:
    if response.status_code == 200:
        response_200 = WireTimeline.from_dict(response.json())



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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ErrorBody | HTTPValidationError | WireTimeline]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    queue: None | str | Unset = UNSET,
    minutes: int | Unset = 60,

) -> Response[ErrorBody | HTTPValidationError | WireTimeline]:
    """ Throughput, claim delays and backlog per minute

     Extension. One entry per minute, oldest first: the last `minutes` whole minutes and the current one.
    `finished`: tasks (live and archived) now done, failed, dead or cancelled whose last change fell in
    that minute, by state. The rest is the leader's last sample taken in that minute
    (`maintenance.queue_sampler`), absent for minutes nobody sampled: `queued` and
    `oldest_queued_age_seconds` (how long the earliest-due queued task has been due) when sampled;
    `claims` that began in the minute before the sample, and the p50/p95 in seconds of their
    `claim_latency` (enqueue or re-queue to claim) and `schedule_to_start` (run_at to claim). Without
    `queue`, every queue together.

    Args:
        queue (None | str | Unset): One queue; absent: every queue
        minutes (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireTimeline]
     """


    kwargs = _get_kwargs(
        queue=queue,
minutes=minutes,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    queue: None | str | Unset = UNSET,
    minutes: int | Unset = 60,

) -> ErrorBody | HTTPValidationError | WireTimeline | None:
    """ Throughput, claim delays and backlog per minute

     Extension. One entry per minute, oldest first: the last `minutes` whole minutes and the current one.
    `finished`: tasks (live and archived) now done, failed, dead or cancelled whose last change fell in
    that minute, by state. The rest is the leader's last sample taken in that minute
    (`maintenance.queue_sampler`), absent for minutes nobody sampled: `queued` and
    `oldest_queued_age_seconds` (how long the earliest-due queued task has been due) when sampled;
    `claims` that began in the minute before the sample, and the p50/p95 in seconds of their
    `claim_latency` (enqueue or re-queue to claim) and `schedule_to_start` (run_at to claim). Without
    `queue`, every queue together.

    Args:
        queue (None | str | Unset): One queue; absent: every queue
        minutes (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireTimeline
     """


    return sync_detailed(
        client=client,
queue=queue,
minutes=minutes,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    queue: None | str | Unset = UNSET,
    minutes: int | Unset = 60,

) -> Response[ErrorBody | HTTPValidationError | WireTimeline]:
    """ Throughput, claim delays and backlog per minute

     Extension. One entry per minute, oldest first: the last `minutes` whole minutes and the current one.
    `finished`: tasks (live and archived) now done, failed, dead or cancelled whose last change fell in
    that minute, by state. The rest is the leader's last sample taken in that minute
    (`maintenance.queue_sampler`), absent for minutes nobody sampled: `queued` and
    `oldest_queued_age_seconds` (how long the earliest-due queued task has been due) when sampled;
    `claims` that began in the minute before the sample, and the p50/p95 in seconds of their
    `claim_latency` (enqueue or re-queue to claim) and `schedule_to_start` (run_at to claim). Without
    `queue`, every queue together.

    Args:
        queue (None | str | Unset): One queue; absent: every queue
        minutes (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireTimeline]
     """


    kwargs = _get_kwargs(
        queue=queue,
minutes=minutes,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    queue: None | str | Unset = UNSET,
    minutes: int | Unset = 60,

) -> ErrorBody | HTTPValidationError | WireTimeline | None:
    """ Throughput, claim delays and backlog per minute

     Extension. One entry per minute, oldest first: the last `minutes` whole minutes and the current one.
    `finished`: tasks (live and archived) now done, failed, dead or cancelled whose last change fell in
    that minute, by state. The rest is the leader's last sample taken in that minute
    (`maintenance.queue_sampler`), absent for minutes nobody sampled: `queued` and
    `oldest_queued_age_seconds` (how long the earliest-due queued task has been due) when sampled;
    `claims` that began in the minute before the sample, and the p50/p95 in seconds of their
    `claim_latency` (enqueue or re-queue to claim) and `schedule_to_start` (run_at to claim). Without
    `queue`, every queue together.

    Args:
        queue (None | str | Unset): One queue; absent: every queue
        minutes (int | Unset):  Default: 60.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireTimeline
     """


    return (await asyncio_detailed(
        client=client,
queue=queue,
minutes=minutes,

    )).parsed
