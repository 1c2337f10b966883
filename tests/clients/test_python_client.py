"""The committed Python client (clients/python, package ``tasques_client``) against a real server.

Used as generated: typed models in and out, the worker id and lease token as header parameters, error
statuses parsed into ``ErrorBody``. Both the sync and the asyncio flavours of the operations are used.
"""

import uuid

import httpx
import pytest
from tasques_client import Client
from tasques_client.api.tasks import (
    cancel_task,
    claim_tasks,
    create_task,
    get_existing_task,
    mark_claimed_task_cancelled,
    mark_claimed_task_done,
    report_on_claimed_task,
    unclaim_existing_task,
)
from tasques_client.models import (
    CancelBody,
    ClaimBody,
    DataBody,
    DataBodyDataType0,
    ErrorBody,
    NewTaskBody,
    NewTaskBodyArgsType0,
    ReportBody,
    ReportBodyCheckpointType0,
    ReportBodyDataType0,
    WireTask,
)

from tests.acceptance.conftest import TasquesServer

pytestmark = pytest.mark.acceptance


def new_queue(name: str) -> str:
    return f"py-{name}-{uuid.uuid4().hex[:8]}"


def client_for(server: TasquesServer) -> Client:
    return Client(base_url=server.base_url, timeout=httpx.Timeout(10.0))


def enqueue(client: Client, body: NewTaskBody) -> WireTask:
    created = create_task.sync_detailed(client=client, body=body)
    assert created.status_code == 201, created.content
    assert isinstance(created.parsed, WireTask)
    return created.parsed


def claim_one(client: Client, queue: str, worker_id: str) -> tuple[WireTask, str]:
    """The claimed task and its lease token."""
    claimed = claim_tasks.sync(
        client=client, body=ClaimBody(queues=[queue], amount=1, block_for="2s"), x_tasques_worker_id=worker_id
    )
    assert isinstance(claimed, list), claimed
    (task,) = claimed
    assert isinstance(task.lease_token, str)
    return task, task.lease_token


def test_worker_protocol_with_lease_tokens_and_checkpoints(tasques_server: TasquesServer) -> None:
    queue, worker_id = new_queue("flow"), "py-worker-flow"
    args = NewTaskBodyArgsType0.from_dict({"month": "2026-10"})
    with client_for(tasques_server) as client:
        created = enqueue(client, NewTaskBody(queue=queue, kind="render", args=args))
        claimed, lease = claim_one(client, queue, worker_id)
        assert (claimed.id, claimed.state, claimed.attempted) == (created.id, "claimed", 1)

        reported = report_on_claimed_task.sync(
            queue,
            created.id,
            client=client,
            body=ReportBody(
                data=ReportBodyDataType0.from_dict({"pct": 40}),
                checkpoint=ReportBodyCheckpointType0.from_dict({"offset": 4000}),
            ),
            x_tasques_worker_id=worker_id,
            x_tasques_lease_token=lease,
        )
        assert isinstance(reported, WireTask), reported
        assert not reported.cancel_requested
        assert reported.checkpoint
        assert reported.checkpoint.data.to_dict() == {"offset": 4000}

        done = mark_claimed_task_done.sync(
            queue,
            created.id,
            client=client,
            body=DataBody(data=DataBodyDataType0.from_dict({"url": "s3://bucket/report"})),
            x_tasques_worker_id=worker_id,
            x_tasques_lease_token=lease,
        )
        assert isinstance(done, WireTask)
        assert done.state == "done"
        fetched = get_existing_task.sync(queue, created.id, client=client)
        assert isinstance(fetched, WireTask)
        assert fetched.last_claimed
        assert fetched.last_claimed.result
        assert fetched.last_claimed.result.success
        assert fetched.last_claimed.result.success.to_dict() == {"url": "s3://bucket/report"}


def test_a_superseded_lease_gets_409_parsed_as_error_body(tasques_server: TasquesServer) -> None:
    queue, worker_id = new_queue("lease"), "py-worker-lease"
    with client_for(tasques_server) as client:
        created = enqueue(client, NewTaskBody(queue=queue, kind="render"))
        _, stale = claim_one(client, queue, worker_id)
        unclaimed = unclaim_existing_task.sync(
            queue, created.id, client=client, x_tasques_worker_id=worker_id, x_tasques_lease_token=stale
        )
        assert isinstance(unclaimed, WireTask)
        assert unclaimed.state == "queued"
        _, current = claim_one(client, queue, worker_id)

        def done_with(lease: str) -> int:
            response = mark_claimed_task_done.sync_detailed(
                queue,
                created.id,
                client=client,
                body=DataBody(),
                x_tasques_worker_id=worker_id,
                x_tasques_lease_token=lease,
            )
            if response.status_code == 409:
                assert isinstance(response.parsed, ErrorBody), response.content
                assert response.parsed.error, "error bodies carry a stable code"
            return int(response.status_code)

        assert (done_with(stale), done_with(current)) == (409, 200)


async def test_cancellation_through_the_asyncio_operations(tasques_server: TasquesServer) -> None:
    queue, worker_id = new_queue("cancel"), "py-worker-cancel"
    async with client_for(tasques_server) as client:
        created = await create_task.asyncio(client=client, body=NewTaskBody(queue=queue, kind="render"))
        assert isinstance(created, WireTask)
        claimed = await claim_tasks.asyncio(
            client=client, body=ClaimBody(queues=[queue], amount=1), x_tasques_worker_id=worker_id
        )
        assert isinstance(claimed, list)
        (task,) = claimed
        assert isinstance(task.lease_token, str)
        lease = task.lease_token

        requested = await cancel_task.asyncio(
            queue, created.id, client=client, body=CancelBody(reason="stop")
        )
        assert isinstance(requested, WireTask)
        assert requested.state == "claimed", "a running task is only asked to stop"
        heartbeat = await report_on_claimed_task.asyncio(
            queue,
            created.id,
            client=client,
            body=ReportBody(),
            x_tasques_worker_id=worker_id,
            x_tasques_lease_token=lease,
        )
        assert isinstance(heartbeat, WireTask)
        assert heartbeat.cancel_requested is True

        ended = await mark_claimed_task_cancelled.asyncio(
            queue,
            created.id,
            client=client,
            body=DataBody(),
            x_tasques_worker_id=worker_id,
            x_tasques_lease_token=lease,
        )
        assert isinstance(ended, WireTask)
        assert ended.state == "cancelled"
        assert ended.cancellation
        assert ended.cancellation.reason == "stop"
