"""Sending one push delivery over HTTP; ``PushSender`` lets tests deliver in process.

Failures are classified by whether the worker may have received the task: a connection that was never
made (refused, DNS, connect timeout) certainly did not deliver it; a request that timed out waiting for
the answer may have.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import httpx


@dataclass(frozen=True)
class PushResponse:
    status: int
    body: bytes


class DeliveryFailed(Exception):
    def __init__(self, reason: str, *, maybe_delivered: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.maybe_delivered = maybe_delivered


class PushSender(Protocol):
    async def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> PushResponse:
        """Raise ``DeliveryFailed`` when no HTTP answer came back."""

    async def close(self) -> None: ...


class HttpxPushSender:
    """One pooled client; ``timeout`` bounds each delivery from connect to the end of the answer."""

    MAX_ANSWER_BYTES = 1024 * 1024

    def __init__(self, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.AsyncClient | None = None  # opened on the first delivery

    async def post(self, url: str, *, body: bytes, headers: Mapping[str, str]) -> PushResponse:
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=self._timeout, transport=self._transport, follow_redirects=False
            )
        try:
            async with self._client.stream("POST", url, content=body, headers=dict(headers)) as response:
                answer = b""
                async for chunk in response.aiter_bytes():
                    answer += chunk
                    if len(answer) > self.MAX_ANSWER_BYTES:
                        break  # an answer this large is not a result we would store
                return PushResponse(response.status_code, answer[: self.MAX_ANSWER_BYTES])
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol) as error:
            raise DeliveryFailed(f"could not connect: {error!r}", maybe_delivered=False) from error
        except httpx.HTTPError as error:
            raise DeliveryFailed(f"no answer: {error!r}", maybe_delivered=True) from error

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
