"""Stored documents as JSON text, read and written by both backends.

msgspec reads at orjson's speed and, unlike orjson, keeps integers wider than 64 bits exact (orjson
turns them into floats, which would change a task's ``args`` on the way back). orjson writes. What
either refuses falls back to the json module, so text written before input was strictly checked (a
lone surrogate as ``\\ud800``, a 100-digit integer) still round-trips as it always did.
"""

import json
from collections.abc import Callable
from typing import Any

import msgspec
import orjson

_DECODER = msgspec.json.Decoder()


def dumps(document: Any, *, default: Callable[[Any], Any] | None = None, sort_keys: bool = False) -> bytes:
    """Compact JSON; ``default`` converts what neither encoder knows (as both modules' ``default``)."""
    try:
        return orjson.dumps(document, default=default, option=orjson.OPT_SORT_KEYS if sort_keys else None)
    except TypeError:  # an integer wider than 64 bits, a lone surrogate, or a type orjson does not know
        # ASCII escapes: a lone surrogate has no UTF-8 form.
        return json.dumps(document, default=default, sort_keys=sort_keys, separators=(",", ":")).encode()


def loads(text: str | bytes) -> Any:
    try:
        return _DECODER.decode(text)
    except msgspec.MsgspecError:
        # Strict JSON only: a lone surrogate written as ``\ud800`` by the json module is read by it too.
        return json.loads(text)
    except RecursionError:
        # Nesting past this thread's recursion allowance (msgspec counts Python's; orjson keeps its own
        # limit of 1024 levels, which is what bodies were accepted under before).
        return orjson.loads(text)
