"""Finding 1 at the API level: state-changing requests a browser sends for another origin are refused;
clients that are not browsers (no ``Origin``, no ``Sec-Fetch-Site``) and same-origin pages are not."""

import httpx
import pytest

from tests.security.conftest import key

CROSS_SITE_ATTEMPTS = [
    ("POST", "/tasques", '{"queue": "q", "kind": "k", "id": "forged"}'),
    ("POST", "/tasques/_bulk/cancel", '{"queue": ["q"]}'),
    ("POST", "/workers/push", '{"id": "evil", "queues": ["q"], "url": "http://127.0.0.1:9/steal"}'),
]
HOSTILE = [
    {"Origin": "http://127.0.0.1:9999", "Sec-Fetch-Site": "same-site"},
    {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},
    {"Origin": "http://evil.example"},  # a browser that does not send Sec-Fetch-Site
    {"Origin": "null"},  # a sandboxed frame or a data: page
]


@pytest.mark.parametrize("headers", HOSTILE)
async def test_cross_site_text_plain_posts_are_refused_and_change_nothing(
    secured: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    created = await secured.post("/tasques", json={"queue": "q", "kind": "k", "id": "t"}, headers=key("root"))
    assert created.status_code == 201
    for method, path, body in CROSS_SITE_ATTEMPTS:
        response = await secured.request(
            method, path, content=body, headers={**key("root"), **headers, "Content-Type": "text/plain"}
        )
        assert response.status_code == 403, (path, response.text)
        assert response.json()["error"] == "cross_site_request"
    assert (await secured.get("/tasques/q/forged", headers=key("root"))).status_code == 404
    assert (await secured.get("/tasques/q/t", headers=key("root"))).json()["state"] == "queued"
    assert (await secured.get("/workers/push/evil", headers=key("root"))).status_code == 404


async def test_same_origin_pages_and_non_browser_clients_still_write(api: httpx.AsyncClient) -> None:
    same_origin = {"Origin": "http://tasques", "Sec-Fetch-Site": "same-origin"}
    old_browser_same_origin = {"Origin": "http://tasques"}
    curl_form = {"Content-Type": "application/x-www-form-urlencoded"}
    for index, headers in enumerate([same_origin, old_browser_same_origin, curl_form, {}]):
        body = f'{{"queue": "q", "kind": "k", "id": "t{index}"}}'
        response = await api.post("/tasques", content=body, headers=headers)
        assert response.status_code == 201, (headers, response.text)


async def test_reads_from_other_origins_are_not_refused_here(api: httpx.AsyncClient) -> None:
    # The browser's same-origin policy keeps the answer from the page; nothing changes on a GET.
    response = await api.get(
        "/queues", headers={"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
    )
    assert response.status_code == 200
