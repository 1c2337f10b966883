"""Request bodies parsed strictly: text the stores and the renderer cannot represent is refused with 400.

Python's ``json`` accepts a lone surrogate (``"\\ud800"``), ``NaN``, ``Infinity`` and ``1e400``; none of
them is JSON a client can read back (orjson refuses to write a lone surrogate, and the non-finite
numbers were stored as null). msgspec refuses all of them and keeps integers wider than 64 bits exact
(orjson turns them into floats), so one pass both checks and parses. Its errors are raised as a
``json.JSONDecodeError``, which FastAPI reports as a 400 ``malformed JSON`` with msgspec's reason (and
byte position, where it gives one) before validation, so nothing is stored.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

import msgspec
from fastapi import Request, Response
from fastapi.routing import APIRoute

_BODIES = msgspec.json.Decoder()


def strict_json(body: bytes) -> Any:
    try:
        return _BODIES.decode(body)
    except msgspec.MsgspecError as error:  # malformed, or a number out of range
        raise _malformed(str(error), body) from error
    except RecursionError as error:  # nesting deeper than the interpreter's recursion limit allows
        raise _malformed("nested too deeply", body) from error


def _malformed(reason: str, body: bytes) -> json.JSONDecodeError:
    return json.JSONDecodeError(reason, body.decode("utf-8", "replace"), 0)


class StrictJsonRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
        return self._json


class StrictJsonRoute(APIRoute):
    """An ``APIRoute`` whose handler reads the body through ``StrictJsonRequest``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict_handler(request: Request) -> Response:
            return await handler(StrictJsonRequest(request.scope, request.receive))

        return strict_handler
