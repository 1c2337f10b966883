"""What handlers raise to choose a task's ending, and what the protocol layer raises to the worker."""

from typing import Any


class GiveUp(Exception):
    """Raise from a handler to end the task now, without the retries a plain exception would get.

    The server has no "failed, do not retry" call (it alone decides retry or dead, by ``retry_times``),
    so the worker ends the task with ``PUT /tasques/cancelled``: it becomes ``cancelled`` (terminal,
    never retried), its ``cancellation.reason`` reads "cancelled by the worker", and ``data`` (plus
    ``{"give_up": true, "error": <message>}``) is stored as ``last_claimed.result.failure``.
    """

    def __init__(self, message: str, *, data: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.data = dict(data or {})


class TaskCancelled(Exception):
    """Raised by ``TaskContext.raise_if_cancelled`` once the server asked for the task to stop, or once
    the worker lost its lease; the worker then ends the task as cancelled (or leaves it, lease lost)."""


class RequestRejected(Exception):
    """The server refused a request with a 4xx status, e.g. an invalid queue name in a claim."""

    def __init__(self, operation: str, status: int, message: str) -> None:
        super().__init__(f"{operation}: HTTP {status}: {message}")
        self.operation = operation
        self.status = status
        self.message = message


class LeaseLost(RequestRejected):
    """A task-scoped call answered 400, 403, 404 or 409: this worker no longer holds the task (it timed
    out and was failed or claimed again, or it was finished or removed), so nothing it says will count."""


class ServerUnavailable(Exception):
    """The request did not get an answer that counts: a transport error, a timeout or a 5xx status.
    Worth retrying; the task keeps its claim until its processing timeout."""
