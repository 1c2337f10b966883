"""Finding 1 in a real browser: a signed-in dashboard user (saved Basic credentials) opens a hostile page
served from another loopback port. The page's ``text/plain`` form and its ``no-cors`` fetch reach the
server with the user's credentials, and are refused; the dashboard's own same-origin writes still work.
"""

import hashlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from playwright.sync_api import Browser, Page

from tests.acceptance.conftest import TasquesServer, TasquesServerPool
from tests.browser.conftest import TIMEOUT_MS

pytestmark = pytest.mark.acceptance

API_KEY = "csrf-test-key"
KEY_HEADER = "X-TASQUES-API-KEY"
# A text/plain form sends "name=value": the name opens the JSON and the value closes it.
_FORGED_FIELD_NAME = '{"queue": "csrf", "kind": "k", "id": "forged-by-form", "padding": "'


def _hostile_page(target: str) -> bytes:
    push_worker = json.dumps({"id": "evil", "queues": ["csrf"], "url": "http://127.0.0.1:9/steal"})
    return f"""<!doctype html><html><body>
<form method="POST" action="{target}/tasques" enctype="text/plain">
  <input type="hidden" name='{_FORGED_FIELD_NAME}' value='"}}'>
</form>
<script>
  fetch("{target}/workers/push", {{method: "POST", mode: "no-cors", credentials: "include",
    headers: {{"Content-Type": "text/plain"}}, body: {json.dumps(push_worker)}}})
    .finally(() => document.forms[0].submit());
</script></body></html>""".encode()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TasquesServer]:
    keys = [{"name": "ui", "sha256": hashlib.sha256(API_KEY.encode()).hexdigest(), "scopes": ["admin"]}]
    pool = TasquesServerPool(tmp_path_factory.mktemp("browser-csrf-server"))
    try:
        (started,) = pool.start(1, settings={"TASQUES_AUTH__API_KEYS": json.dumps(keys)})
        yield started
    finally:
        pool.stop_all()


@pytest.fixture(scope="module")
def hostile_origin(server: TasquesServer) -> Iterator[str]:
    """Another origin: the same loopback host on another port, serving the hostile page at /."""
    page = _hostile_page(server.base_url.rstrip("/"))

    class HostilePage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(page)))
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, format: str, *args: object) -> None:
            pass

    hostile = ThreadingHTTPServer(("127.0.0.1", 0), HostilePage)
    thread = threading.Thread(target=hostile.serve_forever, name="hostile-origin", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{hostile.server_address[1]}"
    finally:
        hostile.shutdown()
        hostile.server_close()
        thread.join(timeout=5)


@pytest.fixture
def signed_in_page(browser: Browser, server: TasquesServer) -> Iterator[Page]:
    context = browser.new_context(http_credentials={"username": "operator", "password": API_KEY})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_hostile_page_on_another_port_cannot_write_through_a_signed_in_browser(
    signed_in_page: Page, server: TasquesServer, hostile_origin: str
) -> None:
    with signed_in_page.expect_response(lambda response: response.url.endswith("/tasques")) as form_post:
        signed_in_page.goto(hostile_origin)
    assert form_post.value.status == 403
    assert form_post.value.json()["error"] == "cross_site_request"
    with httpx.Client(base_url=server.base_url, headers={KEY_HEADER: API_KEY}) as api:
        assert api.get("/tasques/csrf/forged-by-form").status_code == 404
        assert api.get("/workers/push/evil").status_code == 404


def test_the_dashboards_own_writes_are_same_origin_and_pass(
    signed_in_page: Page, server: TasquesServer
) -> None:
    signed_in_page.goto(f"{server.base_url}/ui/")
    status = signed_in_page.evaluate(
        """async () => (await fetch("../tasques", {method: "POST", headers: {"Content-Type": "application/json"},
             body: JSON.stringify({queue: "csrf", kind: "k", id: "same-origin"})})).status"""
    )
    assert status == 201
