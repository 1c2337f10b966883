"""The worker protocol over the generated client (``tasques_client``), with errors as exceptions.

Every task-scoped call carries the worker id and the claim's lease token, so a call from a worker whose
claim was superseded changes nothing on the server and surfaces here as ``LeaseLost``. Statuses map to
three outcomes: 200 is success; 400/403/404/409 on a task mean the lease is gone (``LeaseLost``); other
4xx are ``RequestRejected``; transport errors, timeouts, 429 and 5xx are ``ServerUnavailable`` (retryable).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

import httpx
from tasques_client import Client
from tasques_client.api.tasks import (
    claim_tasks,
    mark_claimed_task_cancelled,
    mark_claimed_task_done,
    mark_claimed_task_failed,
    report_on_claimed_task,
    unclaim_existing_task,
)
from tasques_client.models import (
    ClaimBody,
    DataBody,
    DataBodyDataType0,
    ErrorBody,
    ReportBody,
    ReportBodyCheckpointType0,
    ReportBodyDataType0,
    WireTask,
)
from tasques_client.types import Response, Unset

from tasques_worker.durations import format_go_duration, parse_go_duration
from tasques_worker.errors import LeaseLost, RequestRejected, ServerUnavailable

JsonObject = dict[str, Any]
Parsed = TypeVar("Parsed")
_LEASE_LOST_STATUSES = frozenset({400, 403, 404, 409})


@dataclass(frozen=True, kw_only=True)
class ClaimedTask:
    """A claimed task as the worker needs it: plain dicts, a parsed timeout, the lease token."""

    id: str
    queue: str
    kind: str
    attempted: int
    retry_times: int
    args: JsonObject
    context: JsonObject
    processing_timeout: timedelta
    lease_token: str | None
    checkpoint: JsonObject | None
    cancel_requested: bool

    @classmethod
    def from_wire(cls, task: WireTask) -> "ClaimedTask":
        return cls(
            id=task.id,
            queue=task.queue,
            kind=task.kind,
            attempted=task.attempted,
            retry_times=task.retry_times,
            args=_plain(task.args) or {},
            context=_plain(task.context) or {},
            processing_timeout=parse_go_duration(task.processing_timeout),
            lease_token=None if isinstance(task.lease_token, Unset) else task.lease_token,
            checkpoint=None if not task.checkpoint else task.checkpoint.data.to_dict(),
            cancel_requested=bool(task.cancel_requested),
        )


def _plain(value: Any) -> JsonObject | None:
    """The generated models keep free-form objects in ``additional_properties``; ``to_dict`` gives them."""
    return None if not value else dict(value.to_dict())


class WorkerProtocol:
    """One worker's calls; ``client`` is shared by all of them and closed by its owner."""

    def __init__(self, client: Client, *, worker_id: str) -> None:
        self._client = client
        self.worker_id = worker_id

    async def claim(self, queues: list[str], *, amount: int, block_for: timedelta) -> list[ClaimedTask]:
        body = ClaimBody(queues=queues, amount=amount, block_for=format_go_duration(block_for))
        claimed = await self._call(
            "claim",
            lambda: claim_tasks.asyncio_detailed(
                client=self._client, body=body, x_tasques_worker_id=self.worker_id
            ),
            task_scoped=False,
        )
        return [ClaimedTask.from_wire(task) for task in claimed]

    async def report(
        self, task: ClaimedTask, *, data: JsonObject | None, checkpoint: JsonObject | None
    ) -> bool:
        """Heartbeat; answers whether the server asks for the task to stop (``cancel_requested``)."""
        body = ReportBody(
            data=None if data is None else ReportBodyDataType0.from_dict(data),
            checkpoint=None if checkpoint is None else ReportBodyCheckpointType0.from_dict(checkpoint),
        )
        reported = await self._call(
            "report",
            lambda: report_on_claimed_task.asyncio_detailed(
                task.queue, task.id, client=self._client, body=body, **self._owner(task)
            ),
        )
        return bool(reported.cancel_requested)

    async def done(self, task: ClaimedTask, data: JsonObject | None) -> None:
        await self._finish("done", mark_claimed_task_done.asyncio_detailed, task, data)

    async def failed(self, task: ClaimedTask, data: JsonObject | None) -> None:
        await self._finish("failed", mark_claimed_task_failed.asyncio_detailed, task, data)

    async def cancelled(self, task: ClaimedTask, data: JsonObject | None) -> None:
        await self._finish("cancelled", mark_claimed_task_cancelled.asyncio_detailed, task, data)

    async def unclaim(self, task: ClaimedTask) -> None:
        await self._call(
            "unclaim",
            lambda: unclaim_existing_task.asyncio_detailed(
                task.queue, task.id, client=self._client, **self._owner(task)
            ),
        )

    async def _finish(
        self,
        operation: str,
        endpoint: Callable[..., Awaitable[Response[Any]]],
        task: ClaimedTask,
        data: JsonObject | None,
    ) -> None:
        body = DataBody(data=None if data is None else DataBodyDataType0.from_dict(data))
        await self._call(
            operation,
            lambda: endpoint(task.queue, task.id, client=self._client, body=body, **self._owner(task)),
        )

    def _owner(self, task: ClaimedTask) -> dict[str, str]:
        owner = {"x_tasques_worker_id": self.worker_id}
        if task.lease_token is not None:
            owner["x_tasques_lease_token"] = task.lease_token
        return owner

    async def _call(
        self,
        operation: str,
        send: Callable[[], Awaitable[Response[Parsed]]],
        *,
        task_scoped: bool = True,
    ) -> Any:
        try:
            response = await send()
        except httpx.TransportError as error:
            raise ServerUnavailable(f"{operation}: {type(error).__name__}: {error}") from error
        except (ValueError, KeyError, TypeError) as error:  # a body the generated models cannot read
            raise ServerUnavailable(f"{operation}: unreadable response: {error}") from error
        status = int(response.status_code)
        if status == 200:
            return response.parsed
        message = _error_message(response)
        if status >= 500 or status == 429:  # 429: the per-key rate limit; worth another try later
            raise ServerUnavailable(f"{operation}: HTTP {status}: {message}")
        if task_scoped and status in _LEASE_LOST_STATUSES:
            raise LeaseLost(operation, status, message)
        raise RequestRejected(operation, status, message)


def _error_message(response: Response[Any]) -> str:
    if isinstance(response.parsed, ErrorBody):
        return response.parsed.message
    return response.content.decode(errors="replace")[:500]
