"""A reverse proxy that lets the official ``elasticsearch`` 8 client talk to the osmem emulator.

The client sends ``application/vnd.elasticsearch+json; compatible-with=8`` (and the ``x-ndjson``
variant for ``_bulk``), which osmem answers with 406, and it refuses any response that lacks
``X-Elastic-Product: Elasticsearch``. The shim rewrites the media types on the way in and adds the
header on the way out; bodies pass through untouched. It runs on the event loop of whoever starts it.
"""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import aiohttp
from aiohttp import web

_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "content-encoding",
    }
)
_PRODUCT_HEADER = "X-Elastic-Product"


def plain_media_type(value: str) -> str:
    """``application/vnd.elasticsearch+x-ndjson; compatible-with=8`` -> ``application/x-ndjson``."""
    if "vnd.elasticsearch+" not in value:
        return value
    return "application/x-ndjson" if "x-ndjson" in value else "application/json"


def _upstream_headers(request: web.BaseRequest) -> dict[str, str]:
    headers = {name: value for name, value in request.headers.items() if name.lower() not in _HOP_BY_HOP}
    for name in ("Content-Type", "Accept"):
        if name in request.headers:
            headers[name] = plain_media_type(request.headers[name])
    return headers


@dataclass
class EmulatorShim:
    url: str
    upstream: str


@asynccontextmanager
async def emulator_shim(upstream: str) -> AsyncIterator[EmulatorShim]:
    """Serve the proxy on 127.0.0.1 at a free port until the block exits."""
    session = aiohttp.ClientSession(auto_decompress=True)

    async def forward(request: web.BaseRequest) -> web.Response:
        async with session.request(
            request.method,
            f"{upstream.rstrip('/')}{request.path_qs}",
            headers=_upstream_headers(request),
            data=await request.read(),
            allow_redirects=False,
        ) as answer:
            body = await answer.read()
            headers = {
                name: value for name, value in answer.headers.items() if name.lower() not in _HOP_BY_HOP
            }
        headers[_PRODUCT_HEADER] = "Elasticsearch"
        return web.Response(status=answer.status, body=body, headers=headers)

    server = web.Server(forward)
    runner = web.ServerRunner(server, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    try:
        await site.start()
        host, port = runner.addresses[0][:2]
        yield EmulatorShim(url=f"http://{host}:{port}", upstream=upstream)
    finally:
        await runner.cleanup()
        await session.close()
