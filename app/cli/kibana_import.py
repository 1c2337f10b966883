"""Importing saved objects through Kibana's saved-objects API, as Tasques' setup did.

``POST {kibana}/api/saved_objects/_import?overwrite=true``, multipart field ``file`` holding the ndjson,
header ``kbn-xsrf: true`` (Kibana refuses API writes without it), optional basic auth. Kibana answers
200 with ``success: false`` and per-object ``errors`` when some objects could not be imported; that is
a failure here too.
"""

import httpx

from app.cli.http_client import error_message

IMPORT_PATH = "/api/saved_objects/_import"
FILE_NAME = "tasques_saved_objects.ndjson"
TIMEOUT_SECONDS = 60.0


class KibanaImportFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def import_saved_objects(
    kibana_url: str, ndjson: str, *, username: str | None = None, password: str | None = None
) -> int:
    """Import (overwriting) and return how many objects Kibana stored."""
    auth = httpx.BasicAuth(username, password or "") if username else None
    url = kibana_url.rstrip("/") + IMPORT_PATH
    with httpx.Client(timeout=TIMEOUT_SECONDS, auth=auth) as http:
        try:
            response = http.post(
                url,
                params={"overwrite": "true"},
                headers={"kbn-xsrf": "true"},
                files={"file": (FILE_NAME, ndjson.encode(), "application/ndjson")},
            )
        except httpx.TransportError as error:
            raise KibanaImportFailed(f"cannot reach Kibana at {kibana_url}: {error}") from error
    if not response.is_success:
        raise KibanaImportFailed(
            f"Kibana refused the import (HTTP {response.status_code}): {error_message(response)}"
        )
    body = response.json()
    if not body.get("success"):
        problems = "; ".join(_describe(error) for error in body.get("errors", [])) or "no details"
        raise KibanaImportFailed(f"Kibana could not import every object: {problems}")
    return int(body.get("successCount", 0))


def _describe(error: dict[str, object]) -> str:
    detail = error.get("error")
    reason = detail.get("type", detail) if isinstance(detail, dict) else detail
    return f"{error.get('type')} {error.get('id')}: {reason}"
