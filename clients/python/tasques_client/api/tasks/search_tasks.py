from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.error_body import ErrorBody
from ...models.http_validation_error import HTTPValidationError
from ...models.sort_order import SortOrder
from ...models.task_sort import TaskSort
from ...models.task_state import TaskState
from ...models.wire_task_page import WireTaskPage
from ...types import UNSET, Unset
from typing import cast
import datetime



def _get_kwargs(
    *,
    queue: list[str] | None | Unset = UNSET,
    state: list[TaskState] | None | Unset = UNSET,
    kind: list[str] | None | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    recurring_task_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    include_archive: bool | Unset = False,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    aggs: list[str] | None | Unset = UNSET,
    run_at_after: datetime.datetime | None | Unset = UNSET,
    run_at_before: datetime.datetime | None | Unset = UNSET,
    claimed_after: datetime.datetime | None | Unset = UNSET,
    claimed_before: datetime.datetime | None | Unset = UNSET,
    finished_after: datetime.datetime | None | Unset = UNSET,
    finished_before: datetime.datetime | None | Unset = UNSET,
    error_text: None | str | Unset = UNSET,
    text: None | str | Unset = UNSET,
    sort: TaskSort | Unset = UNSET,
    order: SortOrder | Unset = UNSET,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    json_queue: list[str] | None | Unset
    if isinstance(queue, Unset):
        json_queue = UNSET
    elif isinstance(queue, list):
        json_queue = queue


    else:
        json_queue = queue
    params["queue"] = json_queue

    json_state: list[str] | None | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    elif isinstance(state, list):
        json_state = []
        for state_type_0_item_data in state:
            state_type_0_item = state_type_0_item_data.value
            json_state.append(state_type_0_item)


    else:
        json_state = state
    params["state"] = json_state

    json_kind: list[str] | None | Unset
    if isinstance(kind, Unset):
        json_kind = UNSET
    elif isinstance(kind, list):
        json_kind = kind


    else:
        json_kind = kind
    params["kind"] = json_kind

    json_worker_id: None | str | Unset
    if isinstance(worker_id, Unset):
        json_worker_id = UNSET
    else:
        json_worker_id = worker_id
    params["worker_id"] = json_worker_id

    json_recurring_task_id: None | str | Unset
    if isinstance(recurring_task_id, Unset):
        json_recurring_task_id = UNSET
    else:
        json_recurring_task_id = recurring_task_id
    params["recurring_task_id"] = json_recurring_task_id

    json_created_after: None | str | Unset
    if isinstance(created_after, Unset):
        json_created_after = UNSET
    elif isinstance(created_after, datetime.datetime):
        json_created_after = created_after.isoformat()
    else:
        json_created_after = created_after
    params["created_after"] = json_created_after

    json_created_before: None | str | Unset
    if isinstance(created_before, Unset):
        json_created_before = UNSET
    elif isinstance(created_before, datetime.datetime):
        json_created_before = created_before.isoformat()
    else:
        json_created_before = created_before
    params["created_before"] = json_created_before

    params["include_archive"] = include_archive

    params["limit"] = limit

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    json_aggs: list[str] | None | Unset
    if isinstance(aggs, Unset):
        json_aggs = UNSET
    elif isinstance(aggs, list):
        json_aggs = aggs


    else:
        json_aggs = aggs
    params["aggs"] = json_aggs

    json_run_at_after: None | str | Unset
    if isinstance(run_at_after, Unset):
        json_run_at_after = UNSET
    elif isinstance(run_at_after, datetime.datetime):
        json_run_at_after = run_at_after.isoformat()
    else:
        json_run_at_after = run_at_after
    params["run_at_after"] = json_run_at_after

    json_run_at_before: None | str | Unset
    if isinstance(run_at_before, Unset):
        json_run_at_before = UNSET
    elif isinstance(run_at_before, datetime.datetime):
        json_run_at_before = run_at_before.isoformat()
    else:
        json_run_at_before = run_at_before
    params["run_at_before"] = json_run_at_before

    json_claimed_after: None | str | Unset
    if isinstance(claimed_after, Unset):
        json_claimed_after = UNSET
    elif isinstance(claimed_after, datetime.datetime):
        json_claimed_after = claimed_after.isoformat()
    else:
        json_claimed_after = claimed_after
    params["claimed_after"] = json_claimed_after

    json_claimed_before: None | str | Unset
    if isinstance(claimed_before, Unset):
        json_claimed_before = UNSET
    elif isinstance(claimed_before, datetime.datetime):
        json_claimed_before = claimed_before.isoformat()
    else:
        json_claimed_before = claimed_before
    params["claimed_before"] = json_claimed_before

    json_finished_after: None | str | Unset
    if isinstance(finished_after, Unset):
        json_finished_after = UNSET
    elif isinstance(finished_after, datetime.datetime):
        json_finished_after = finished_after.isoformat()
    else:
        json_finished_after = finished_after
    params["finished_after"] = json_finished_after

    json_finished_before: None | str | Unset
    if isinstance(finished_before, Unset):
        json_finished_before = UNSET
    elif isinstance(finished_before, datetime.datetime):
        json_finished_before = finished_before.isoformat()
    else:
        json_finished_before = finished_before
    params["finished_before"] = json_finished_before

    json_error_text: None | str | Unset
    if isinstance(error_text, Unset):
        json_error_text = UNSET
    else:
        json_error_text = error_text
    params["error_text"] = json_error_text

    json_text: None | str | Unset
    if isinstance(text, Unset):
        json_text = UNSET
    else:
        json_text = text
    params["text"] = json_text

    json_sort: str | Unset = UNSET
    if not isinstance(sort, Unset):
        json_sort = sort.value

    params["sort"] = json_sort

    json_order: str | Unset = UNSET
    if not isinstance(order, Unset):
        json_order = order.value

    params["order"] = json_order


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tasques/_search",
        "params": params,
    }


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
    queue: list[str] | None | Unset = UNSET,
    state: list[TaskState] | None | Unset = UNSET,
    kind: list[str] | None | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    recurring_task_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    include_archive: bool | Unset = False,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    aggs: list[str] | None | Unset = UNSET,
    run_at_after: datetime.datetime | None | Unset = UNSET,
    run_at_before: datetime.datetime | None | Unset = UNSET,
    claimed_after: datetime.datetime | None | Unset = UNSET,
    claimed_before: datetime.datetime | None | Unset = UNSET,
    finished_after: datetime.datetime | None | Unset = UNSET,
    finished_before: datetime.datetime | None | Unset = UNSET,
    error_text: None | str | Unset = UNSET,
    text: None | str | Unset = UNSET,
    sort: TaskSort | Unset = UNSET,
    order: SortOrder | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireTaskPage]:
    """ List Tasks, newest first

     Repeated parameters (queue, state, kind) combine with OR. Filters combine with AND; several queue,
    state or kind values combine with OR. Time ranges: `<field>_after` is inclusive, `<field>_before`
    exclusive, for created (metadata.created_at), run_at, claimed (last_claimed.claimed_at; never-
    claimed tasks never match) and finished (the time a task reached done, dead or cancelled: its
    metadata.modified_at; only tasks in those states match); an after later than its before answers 400.
    `error_text` matches the failure data (last_claimed.result.failure), `text` the args and the result
    data (success or failure): case-insensitively, as a substring on SQLite and as a phrase of whole
    words on Elasticsearch, so whole words answer the same on both. `sort`: created (default), run_at,
    priority or finished (metadata.modified_at), `order` desc (default) or asc; ties by queue, then id.
    A cursor only continues the sort and order it came from (400 otherwise). On Elasticsearch the
    listing shows writes after the index refresh (1 s by default). Aggregations (extension): `aggs`
    names any of queue_state, kind, error_class, finished_per_minute (comma-separated or repeated); the
    answer then carries `aggregations`, computed over every task the filters select (archived ones too
    with include_archive), not just the page. `limit=0` skips the listing. `queue_state`: tasks per
    queue with counts per state; `kind`: tasks per kind; `error_class`: failed and dead tasks per error
    class. Each of these answers at most 100 buckets, largest first (ties by key); `other` counts the
    tasks in the buckets left out. The error class of a failed or dead task comes from its failure data
    (last_claimed.result.failure): the first non-empty string under error_class, error_type, type (cut
    to 256 characters), else `timed_out` for the reaper's timeout failure, `given_up` for `give_up:
    true`, else `unclassified` (also for tasks stored before this rule existed). `finished_per_minute`:
    tasks now done, failed, dead or cancelled, by the minute of their last change
    (metadata.modified_at), one bucket per minute of created_after..created_before widened to whole
    minutes (defaults: the last hour up to now); more than 1440 minutes answers 400.

    Args:
        queue (list[str] | None | Unset):
        state (list[TaskState] | None | Unset):
        kind (list[str] | None | Unset):
        worker_id (None | str | Unset):
        recurring_task_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):
        include_archive (bool | Unset):  Default: False.
        limit (int | Unset): 0 (with aggs only): no tasks, just aggregations Default: 50.
        cursor (None | str | Unset):
        aggs (list[str] | None | Unset): Aggregations to compute, comma-separated or repeated
        run_at_after (datetime.datetime | None | Unset):
        run_at_before (datetime.datetime | None | Unset):
        claimed_after (datetime.datetime | None | Unset):
        claimed_before (datetime.datetime | None | Unset):
        finished_after (datetime.datetime | None | Unset):
        finished_before (datetime.datetime | None | Unset):
        error_text (None | str | Unset):
        text (None | str | Unset):
        sort (TaskSort | Unset): What a listing is ordered by; ties are always broken by queue,
            then id, ascending.
        order (SortOrder | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireTaskPage]
     """


    kwargs = _get_kwargs(
        queue=queue,
state=state,
kind=kind,
worker_id=worker_id,
recurring_task_id=recurring_task_id,
created_after=created_after,
created_before=created_before,
include_archive=include_archive,
limit=limit,
cursor=cursor,
aggs=aggs,
run_at_after=run_at_after,
run_at_before=run_at_before,
claimed_after=claimed_after,
claimed_before=claimed_before,
finished_after=finished_after,
finished_before=finished_before,
error_text=error_text,
text=text,
sort=sort,
order=order,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient | Client,
    queue: list[str] | None | Unset = UNSET,
    state: list[TaskState] | None | Unset = UNSET,
    kind: list[str] | None | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    recurring_task_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    include_archive: bool | Unset = False,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    aggs: list[str] | None | Unset = UNSET,
    run_at_after: datetime.datetime | None | Unset = UNSET,
    run_at_before: datetime.datetime | None | Unset = UNSET,
    claimed_after: datetime.datetime | None | Unset = UNSET,
    claimed_before: datetime.datetime | None | Unset = UNSET,
    finished_after: datetime.datetime | None | Unset = UNSET,
    finished_before: datetime.datetime | None | Unset = UNSET,
    error_text: None | str | Unset = UNSET,
    text: None | str | Unset = UNSET,
    sort: TaskSort | Unset = UNSET,
    order: SortOrder | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireTaskPage | None:
    """ List Tasks, newest first

     Repeated parameters (queue, state, kind) combine with OR. Filters combine with AND; several queue,
    state or kind values combine with OR. Time ranges: `<field>_after` is inclusive, `<field>_before`
    exclusive, for created (metadata.created_at), run_at, claimed (last_claimed.claimed_at; never-
    claimed tasks never match) and finished (the time a task reached done, dead or cancelled: its
    metadata.modified_at; only tasks in those states match); an after later than its before answers 400.
    `error_text` matches the failure data (last_claimed.result.failure), `text` the args and the result
    data (success or failure): case-insensitively, as a substring on SQLite and as a phrase of whole
    words on Elasticsearch, so whole words answer the same on both. `sort`: created (default), run_at,
    priority or finished (metadata.modified_at), `order` desc (default) or asc; ties by queue, then id.
    A cursor only continues the sort and order it came from (400 otherwise). On Elasticsearch the
    listing shows writes after the index refresh (1 s by default). Aggregations (extension): `aggs`
    names any of queue_state, kind, error_class, finished_per_minute (comma-separated or repeated); the
    answer then carries `aggregations`, computed over every task the filters select (archived ones too
    with include_archive), not just the page. `limit=0` skips the listing. `queue_state`: tasks per
    queue with counts per state; `kind`: tasks per kind; `error_class`: failed and dead tasks per error
    class. Each of these answers at most 100 buckets, largest first (ties by key); `other` counts the
    tasks in the buckets left out. The error class of a failed or dead task comes from its failure data
    (last_claimed.result.failure): the first non-empty string under error_class, error_type, type (cut
    to 256 characters), else `timed_out` for the reaper's timeout failure, `given_up` for `give_up:
    true`, else `unclassified` (also for tasks stored before this rule existed). `finished_per_minute`:
    tasks now done, failed, dead or cancelled, by the minute of their last change
    (metadata.modified_at), one bucket per minute of created_after..created_before widened to whole
    minutes (defaults: the last hour up to now); more than 1440 minutes answers 400.

    Args:
        queue (list[str] | None | Unset):
        state (list[TaskState] | None | Unset):
        kind (list[str] | None | Unset):
        worker_id (None | str | Unset):
        recurring_task_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):
        include_archive (bool | Unset):  Default: False.
        limit (int | Unset): 0 (with aggs only): no tasks, just aggregations Default: 50.
        cursor (None | str | Unset):
        aggs (list[str] | None | Unset): Aggregations to compute, comma-separated or repeated
        run_at_after (datetime.datetime | None | Unset):
        run_at_before (datetime.datetime | None | Unset):
        claimed_after (datetime.datetime | None | Unset):
        claimed_before (datetime.datetime | None | Unset):
        finished_after (datetime.datetime | None | Unset):
        finished_before (datetime.datetime | None | Unset):
        error_text (None | str | Unset):
        text (None | str | Unset):
        sort (TaskSort | Unset): What a listing is ordered by; ties are always broken by queue,
            then id, ascending.
        order (SortOrder | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireTaskPage
     """


    return sync_detailed(
        client=client,
queue=queue,
state=state,
kind=kind,
worker_id=worker_id,
recurring_task_id=recurring_task_id,
created_after=created_after,
created_before=created_before,
include_archive=include_archive,
limit=limit,
cursor=cursor,
aggs=aggs,
run_at_after=run_at_after,
run_at_before=run_at_before,
claimed_after=claimed_after,
claimed_before=claimed_before,
finished_after=finished_after,
finished_before=finished_before,
error_text=error_text,
text=text,
sort=sort,
order=order,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    queue: list[str] | None | Unset = UNSET,
    state: list[TaskState] | None | Unset = UNSET,
    kind: list[str] | None | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    recurring_task_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    include_archive: bool | Unset = False,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    aggs: list[str] | None | Unset = UNSET,
    run_at_after: datetime.datetime | None | Unset = UNSET,
    run_at_before: datetime.datetime | None | Unset = UNSET,
    claimed_after: datetime.datetime | None | Unset = UNSET,
    claimed_before: datetime.datetime | None | Unset = UNSET,
    finished_after: datetime.datetime | None | Unset = UNSET,
    finished_before: datetime.datetime | None | Unset = UNSET,
    error_text: None | str | Unset = UNSET,
    text: None | str | Unset = UNSET,
    sort: TaskSort | Unset = UNSET,
    order: SortOrder | Unset = UNSET,

) -> Response[ErrorBody | HTTPValidationError | WireTaskPage]:
    """ List Tasks, newest first

     Repeated parameters (queue, state, kind) combine with OR. Filters combine with AND; several queue,
    state or kind values combine with OR. Time ranges: `<field>_after` is inclusive, `<field>_before`
    exclusive, for created (metadata.created_at), run_at, claimed (last_claimed.claimed_at; never-
    claimed tasks never match) and finished (the time a task reached done, dead or cancelled: its
    metadata.modified_at; only tasks in those states match); an after later than its before answers 400.
    `error_text` matches the failure data (last_claimed.result.failure), `text` the args and the result
    data (success or failure): case-insensitively, as a substring on SQLite and as a phrase of whole
    words on Elasticsearch, so whole words answer the same on both. `sort`: created (default), run_at,
    priority or finished (metadata.modified_at), `order` desc (default) or asc; ties by queue, then id.
    A cursor only continues the sort and order it came from (400 otherwise). On Elasticsearch the
    listing shows writes after the index refresh (1 s by default). Aggregations (extension): `aggs`
    names any of queue_state, kind, error_class, finished_per_minute (comma-separated or repeated); the
    answer then carries `aggregations`, computed over every task the filters select (archived ones too
    with include_archive), not just the page. `limit=0` skips the listing. `queue_state`: tasks per
    queue with counts per state; `kind`: tasks per kind; `error_class`: failed and dead tasks per error
    class. Each of these answers at most 100 buckets, largest first (ties by key); `other` counts the
    tasks in the buckets left out. The error class of a failed or dead task comes from its failure data
    (last_claimed.result.failure): the first non-empty string under error_class, error_type, type (cut
    to 256 characters), else `timed_out` for the reaper's timeout failure, `given_up` for `give_up:
    true`, else `unclassified` (also for tasks stored before this rule existed). `finished_per_minute`:
    tasks now done, failed, dead or cancelled, by the minute of their last change
    (metadata.modified_at), one bucket per minute of created_after..created_before widened to whole
    minutes (defaults: the last hour up to now); more than 1440 minutes answers 400.

    Args:
        queue (list[str] | None | Unset):
        state (list[TaskState] | None | Unset):
        kind (list[str] | None | Unset):
        worker_id (None | str | Unset):
        recurring_task_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):
        include_archive (bool | Unset):  Default: False.
        limit (int | Unset): 0 (with aggs only): no tasks, just aggregations Default: 50.
        cursor (None | str | Unset):
        aggs (list[str] | None | Unset): Aggregations to compute, comma-separated or repeated
        run_at_after (datetime.datetime | None | Unset):
        run_at_before (datetime.datetime | None | Unset):
        claimed_after (datetime.datetime | None | Unset):
        claimed_before (datetime.datetime | None | Unset):
        finished_after (datetime.datetime | None | Unset):
        finished_before (datetime.datetime | None | Unset):
        error_text (None | str | Unset):
        text (None | str | Unset):
        sort (TaskSort | Unset): What a listing is ordered by; ties are always broken by queue,
            then id, ascending.
        order (SortOrder | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorBody | HTTPValidationError | WireTaskPage]
     """


    kwargs = _get_kwargs(
        queue=queue,
state=state,
kind=kind,
worker_id=worker_id,
recurring_task_id=recurring_task_id,
created_after=created_after,
created_before=created_before,
include_archive=include_archive,
limit=limit,
cursor=cursor,
aggs=aggs,
run_at_after=run_at_after,
run_at_before=run_at_before,
claimed_after=claimed_after,
claimed_before=claimed_before,
finished_after=finished_after,
finished_before=finished_before,
error_text=error_text,
text=text,
sort=sort,
order=order,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    queue: list[str] | None | Unset = UNSET,
    state: list[TaskState] | None | Unset = UNSET,
    kind: list[str] | None | Unset = UNSET,
    worker_id: None | str | Unset = UNSET,
    recurring_task_id: None | str | Unset = UNSET,
    created_after: datetime.datetime | None | Unset = UNSET,
    created_before: datetime.datetime | None | Unset = UNSET,
    include_archive: bool | Unset = False,
    limit: int | Unset = 50,
    cursor: None | str | Unset = UNSET,
    aggs: list[str] | None | Unset = UNSET,
    run_at_after: datetime.datetime | None | Unset = UNSET,
    run_at_before: datetime.datetime | None | Unset = UNSET,
    claimed_after: datetime.datetime | None | Unset = UNSET,
    claimed_before: datetime.datetime | None | Unset = UNSET,
    finished_after: datetime.datetime | None | Unset = UNSET,
    finished_before: datetime.datetime | None | Unset = UNSET,
    error_text: None | str | Unset = UNSET,
    text: None | str | Unset = UNSET,
    sort: TaskSort | Unset = UNSET,
    order: SortOrder | Unset = UNSET,

) -> ErrorBody | HTTPValidationError | WireTaskPage | None:
    """ List Tasks, newest first

     Repeated parameters (queue, state, kind) combine with OR. Filters combine with AND; several queue,
    state or kind values combine with OR. Time ranges: `<field>_after` is inclusive, `<field>_before`
    exclusive, for created (metadata.created_at), run_at, claimed (last_claimed.claimed_at; never-
    claimed tasks never match) and finished (the time a task reached done, dead or cancelled: its
    metadata.modified_at; only tasks in those states match); an after later than its before answers 400.
    `error_text` matches the failure data (last_claimed.result.failure), `text` the args and the result
    data (success or failure): case-insensitively, as a substring on SQLite and as a phrase of whole
    words on Elasticsearch, so whole words answer the same on both. `sort`: created (default), run_at,
    priority or finished (metadata.modified_at), `order` desc (default) or asc; ties by queue, then id.
    A cursor only continues the sort and order it came from (400 otherwise). On Elasticsearch the
    listing shows writes after the index refresh (1 s by default). Aggregations (extension): `aggs`
    names any of queue_state, kind, error_class, finished_per_minute (comma-separated or repeated); the
    answer then carries `aggregations`, computed over every task the filters select (archived ones too
    with include_archive), not just the page. `limit=0` skips the listing. `queue_state`: tasks per
    queue with counts per state; `kind`: tasks per kind; `error_class`: failed and dead tasks per error
    class. Each of these answers at most 100 buckets, largest first (ties by key); `other` counts the
    tasks in the buckets left out. The error class of a failed or dead task comes from its failure data
    (last_claimed.result.failure): the first non-empty string under error_class, error_type, type (cut
    to 256 characters), else `timed_out` for the reaper's timeout failure, `given_up` for `give_up:
    true`, else `unclassified` (also for tasks stored before this rule existed). `finished_per_minute`:
    tasks now done, failed, dead or cancelled, by the minute of their last change
    (metadata.modified_at), one bucket per minute of created_after..created_before widened to whole
    minutes (defaults: the last hour up to now); more than 1440 minutes answers 400.

    Args:
        queue (list[str] | None | Unset):
        state (list[TaskState] | None | Unset):
        kind (list[str] | None | Unset):
        worker_id (None | str | Unset):
        recurring_task_id (None | str | Unset):
        created_after (datetime.datetime | None | Unset):
        created_before (datetime.datetime | None | Unset):
        include_archive (bool | Unset):  Default: False.
        limit (int | Unset): 0 (with aggs only): no tasks, just aggregations Default: 50.
        cursor (None | str | Unset):
        aggs (list[str] | None | Unset): Aggregations to compute, comma-separated or repeated
        run_at_after (datetime.datetime | None | Unset):
        run_at_before (datetime.datetime | None | Unset):
        claimed_after (datetime.datetime | None | Unset):
        claimed_before (datetime.datetime | None | Unset):
        finished_after (datetime.datetime | None | Unset):
        finished_before (datetime.datetime | None | Unset):
        error_text (None | str | Unset):
        text (None | str | Unset):
        sort (TaskSort | Unset): What a listing is ordered by; ties are always broken by queue,
            then id, ascending.
        order (SortOrder | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorBody | HTTPValidationError | WireTaskPage
     """


    return (await asyncio_detailed(
        client=client,
queue=queue,
state=state,
kind=kind,
worker_id=worker_id,
recurring_task_id=recurring_task_id,
created_after=created_after,
created_before=created_before,
include_archive=include_archive,
limit=limit,
cursor=cursor,
aggs=aggs,
run_at_after=run_at_after,
run_at_before=run_at_before,
claimed_after=claimed_after,
claimed_before=claimed_before,
finished_after=finished_after,
finished_before=finished_before,
error_text=error_text,
text=text,
sort=sort,
order=order,

    )).parsed
