"""The HTTP side of the operator commands: one ``httpx.Client`` per command, JSON in and out.

Every non-2xx answer becomes ``ServerError`` carrying the server's ``ErrorBody.message`` (or the raw text
when the body is not ours, e.g. a proxy's page), and an unreachable server becomes ``ServerError`` too,
so commands have one failure path: print the message, exit 1 (``failing_requests``).
"""

import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Annotated, Any
from urllib.parse import quote

import httpx
import typer
from rich.console import Console

SERVER_URL_VARIABLE = "TASQUES_SERVER_URL"
# Sent as X-TASQUES-API-KEY when set, for servers with auth.api_keys configured.
API_KEY_VARIABLE = "TASQUES_API_KEY"
DEFAULT_SERVER_URL = "http://127.0.0.1:8080"
# Long enough for a server-side ?wait= of a few minutes plus a large batch; commands that wait longer
# pass their own.
DEFAULT_TIMEOUT_SECONDS = 60.0

ServerOption = Annotated[
    str,
    typer.Option(
        "--server", "-s", envvar=SERVER_URL_VARIABLE, help="Base URL of a tasques server", show_envvar=True
    ),
]
JsonOutputOption = Annotated[
    bool, typer.Option("--json", help="Print the server's JSON instead of tables (for scripts)")
]

Json = Any
QueryValue = str | int | list[str]  # a list repeats the parameter


class ServerError(Exception):
    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status

    def describe(self) -> str:
        return self.message if self.status is None else f"{self.message} (HTTP {self.status})"


class TasquesClient:
    def __init__(self, base_url: str, *, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        api_key = os.environ.get(API_KEY_VARIABLE)
        headers = {"X-TASQUES-API-KEY": api_key} if api_key else None
        self._http = httpx.Client(base_url=self.base_url, timeout=timeout, headers=headers)

    def close(self) -> None:
        self._http.close()

    def get(self, path: str, *, params: Mapping[str, QueryValue] | None = None) -> Json:
        return self.request("GET", path, params=params)

    def post(self, path: str, body: Json = None, *, params: Mapping[str, str] | None = None) -> Json:
        return self.request("POST", path, body=body, params=params)

    def put(self, path: str, body: Json) -> Json:
        return self.request("PUT", path, body=body)

    def delete(self, path: str) -> Json:
        return self.request("DELETE", path)

    def request(
        self,
        method: str,
        path: str,
        *,
        body: Json = None,
        params: Mapping[str, QueryValue] | None = None,
    ) -> Json:
        try:
            response = self._http.request(method, path, json=body, params=params)
        except httpx.TransportError as error:
            raise ServerError(f"cannot reach the tasques server at {self.base_url}: {error}") from error
        if response.is_success:
            return response.json() if response.content else None
        raise ServerError(error_message(response), status=response.status_code)


def path(*segments: str) -> str:
    """``/a/b/c`` with each segment percent-encoded, so ids with '/', '?' or spaces stay one segment."""
    return "/" + "/".join(quote(segment, safe="") for segment in segments)


def error_message(response: httpx.Response) -> str:
    """The ``message`` of an ``ErrorBody``; else the start of whatever the body is."""
    try:
        body = response.json()
    except json.JSONDecodeError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return str(body["message"])
    return response.text.strip()[:500] or response.reason_phrase


@contextmanager
def failing_requests(console: Console) -> Iterator[None]:
    """Turn ``ServerError`` into a red message on stderr and exit code 1."""
    try:
        yield
    except ServerError as error:
        console.print(f"[red]error:[/red] {error.describe()}", markup=True, highlight=False)
        raise typer.Exit(code=1) from error


@contextmanager
def server_client(
    server: str, console: Console, *, timeout: float = DEFAULT_TIMEOUT_SECONDS
) -> Iterator[TasquesClient]:
    client = TasquesClient(server, timeout=timeout)
    try:
        with failing_requests(console):
            yield client
    finally:
        client.close()


def parse_json_object(text: str | None, *, option: str) -> dict[str, Json] | None:
    """A ``--args '{"a": 1}'`` style option: a JSON object or nothing."""
    if text is None:
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise typer.BadParameter(f"not JSON: {error}", param_hint=option) from error
    if not isinstance(value, dict):
        raise typer.BadParameter("must be a JSON object", param_hint=option)
    return value
