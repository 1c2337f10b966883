"""Refuse request bodies over the configured size with 413 before they are read into memory."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.errors import error_response


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self._app = app
        self._max = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self._max:
            response = error_response(413, self._message, "payload_too_large", {"limit_bytes": self._max})
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            # Chunked bodies carry no length up front; FastAPI re-raises HTTPException from body reading.
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self._max:
                raise HTTPException(status_code=413, detail=self._message)
            return message

        await self._app(scope, counting_receive, send)

    @property
    def _message(self) -> str:
        return f"Request body exceeds the limit of {self._max} bytes"
