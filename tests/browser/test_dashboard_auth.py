"""The dashboard on a server that needs an API key: a 401 offers the key form, and the key is then sent.

The page's own files are fetched with the key added by the test (as a browser would get them if /ui were
open); every API call must carry the key the user typed in.
"""

import hashlib
import json
from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.acceptance.conftest import TasquesServer, TasquesServerPool
from tests.browser.conftest import screenshot

pytestmark = pytest.mark.acceptance

API_KEY = "dashboard-test-key"
KEY_HEADER = "X-TASQUES-API-KEY"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TasquesServer]:
    keys = [{"name": "ui", "sha256": hashlib.sha256(API_KEY.encode()).hexdigest(), "scopes": ["admin"]}]
    pool = TasquesServerPool(tmp_path_factory.mktemp("browser-auth-server"))
    try:
        (started,) = pool.start(1, settings={"TASQUES_AUTH__API_KEYS": json.dumps(keys)})
        yield started
    finally:
        pool.stop_all()


def _with_key(route: Route) -> None:
    route.continue_(headers={**route.request.headers, KEY_HEADER.lower(): API_KEY})


def test_a_401_asks_for_an_api_key_which_every_call_then_carries(page: Page, server: TasquesServer) -> None:
    with httpx.Client(base_url=server.base_url, headers={KEY_HEADER: API_KEY}) as api:
        assert api.post("/tasques", json={"queue": "ui-secured", "kind": "k"}).status_code == 201
    page.route("**/ui", _with_key)
    page.route("**/ui/**", _with_key)

    page.goto("/ui/#/queues")
    sign_in = page.get_by_role("region", name="This server needs credentials")
    expect(sign_in).to_be_visible()
    expect(page.locator("#leader")).to_have_text("Credentials needed")
    screenshot(page, "sign-in")

    page.get_by_label("API key").fill(API_KEY)
    page.get_by_role("button", name="Use this key").click()
    expect(sign_in).to_be_hidden()
    expect(page.locator('#queues-table tr[data-queue="ui-secured"] td[data-state="queued"]')).to_have_text(
        "1"
    )
    assert page.evaluate("() => sessionStorage.getItem('tasques.apiKey')") == API_KEY

    page.get_by_role("button", name="Forget API key").click()
    expect(sign_in).to_be_visible()
