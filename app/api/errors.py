"""The one place that maps errors to HTTP. Every error body is ``ErrorBody``: Tasques' ``message`` plus a
stable ``error`` code and structured ``details``."""

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.api.wire_models import ErrorBody
from app.domain import errors

_log = logging.getLogger(__name__)

_STATUS_BY_ERROR: list[tuple[type[errors.TasquesError], int]] = [
    (errors.PayloadTooLarge, 413),
    (errors.InvalidInput, 400),
    (errors.NotClaimed, 400),
    (errors.ReportFromThePast, 400),
    (errors.NotOwnedByWorker, 403),
    (errors.AccessDenied, 403),
    (errors.TaskNotFound, 404),
    (errors.RecurringTaskNotFound, 404),
    (errors.TaskAlreadyExists, 409),
    (errors.TaskAlreadyFinished, 409),
    (errors.InvalidTransition, 409),
    (errors.AdminJobNotFound, 404),
    (errors.PipelineNotFound, 404),
    (errors.PushWorkerNotFound, 404),
    (errors.PipelineAlreadyExists, 409),
    (errors.PushWorkerAlreadyExists, 409),
    (errors.RecurringTaskAlreadyExists, 409),
    (errors.LeaseSuperseded, 409),
    (errors.VersionConflict, 409),
    (errors.NotClaimable, 409),
    (errors.StoreUnavailable, 503),
    (errors.StoreNotSetUp, 503),
    (errors.ServerShuttingDown, 503),
]

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "Bad input, or the task is not claimed"},
    403: {"description": "The task is claimed by another worker"},
    404: {"description": "No such task or recurring task"},
    401: {"description": "Authentication is on and no valid credentials were sent"},
    409: {"description": "Conflict: duplicate id, superseded lease or a lost write race"},
    429: {"description": "Rate limit exceeded; retry after Retry-After seconds"},
    413: {"description": "Request body too large"},
    503: {"description": "The store is unavailable; retry after Retry-After seconds"},
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """A route's documented error answers: the given statuses plus 413 and 503, which any route can give."""
    return {status: {**ERROR_RESPONSES[status], "model": ErrorBody} for status in (*statuses, 413, 503)}


def status_for(error: errors.TasquesError) -> int:
    return next((status for kind, status in _STATUS_BY_ERROR if isinstance(error, kind)), 500)


def error_response(
    status: int, message: str, code: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"message": message, "error": code}
    if details:
        body["details"] = details
    return JSONResponse(body, status_code=status)


def install_error_handlers(app: FastAPI, *, retry_after_seconds: int) -> None:
    async def tasques_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, errors.TasquesError)
        response = error_response(status_for(error), error.message, error.code, error.details or None)
        if response.status_code == 503:
            response.headers["Retry-After"] = str(retry_after_seconds)
        return response

    async def validation_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, RequestValidationError)
        problems = [_describe(problem) for problem in error.errors()]
        return error_response(400, "\n".join(problems), "invalid_input", {"problems": problems})

    async def http_error(_: Request, error: Exception) -> JSONResponse:
        assert isinstance(error, StarletteHTTPException)
        message = "No such route." if error.status_code == 404 else str(error.detail)
        code = "payload_too_large" if error.status_code == 413 else f"http_{error.status_code}"
        response = error_response(error.status_code, message, code)
        for name, value in (error.headers or {}).items():
            response.headers[name] = value
        return response

    async def unexpected_error(_: Request, error: Exception) -> JSONResponse:
        _log.exception("unhandled error", exc_info=error)
        return error_response(500, "Internal server error", "internal_error")

    app.add_exception_handler(errors.TasquesError, tasques_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)


def _describe(problem: Any) -> str:
    location = ".".join(str(part) for part in problem.get("loc", ()) if part != "body")
    if problem.get("type") == "json_invalid":
        return f"malformed JSON: {problem.get('ctx', {}).get('error', problem.get('msg'))}"
    if problem.get("type") == "missing" and not location:
        return "request body is required"
    return f"{location or 'body'}: {problem.get('msg')}"
