"""Finding 10: the dashboard's index under its own file name, text search for quotes and backslashes."""

import httpx
import pytest

from tests.api.conftest import enqueue


async def test_ui_index_html_is_served_with_its_base_href_filled_in(api: httpx.AsyncClient) -> None:
    by_name = await api.get("/ui/index.html")
    assert by_name.status_code == 200
    assert "__TASQUES_UI_BASE__" not in by_name.text
    assert '<base href="/ui/">' in by_name.text
    assert by_name.text == (await api.get("/ui/")).text


@pytest.mark.parametrize("needle", ['say "hi"', "C:\\temp", '\\"'])
async def test_text_search_matches_quotes_and_backslashes(api: httpx.AsyncClient, needle: str) -> None:
    await enqueue(api, id="quoted", args={"note": 'we say "hi" from C:\\temp \\" done'})
    await enqueue(api, id="plain", args={"note": "nothing here"})
    found = await api.get("/tasques/_search", params={"text": needle})
    assert [task["id"] for task in found.json()["tasks"]] == ["quoted"]
