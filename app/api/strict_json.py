"""Request bodies parsed strictly: text the stores and the renderer cannot represent is refused with 400.

Python's ``json`` accepts a lone surrogate (``"\\ud800"``), ``NaN``, ``Infinity`` and ``1e400``; none of
them is JSON a client can read back (orjson refuses to write a lone surrogate, and the non-finite
numbers were stored as null). orjson refuses all of them on reading, so each body is first checked by it,
then parsed by ``json`` as before, which keeps integers wider than 64 bits exact (orjson turns them into
floats). The check runs before validation, so nothing is stored: FastAPI reports a
``json.JSONDecodeError`` (orjson's is one) as a 400 ``malformed JSON`` with the position.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

import orjson
from fastapi import Request, Response
from fastapi.routing import APIRoute


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            orjson.loads(body)  # raises orjson.JSONDecodeError, a json.JSONDecodeError
            self._json = json.loads(body)
        return self._json


class StrictJsonRoute(APIRoute):
    """An ``APIRoute`` whose handler reads the body through ``StrictJsonRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
