"""The overview's charts and the search's bar charts against a real server seeded through the HTTP API.

The server samples its queues every second (see conftest), so the backlog charts fill while a test
watches; the finished counts come from the tasks themselves. Each test works on its own queues.
"""

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot
from tests.browser.test_dashboard import claim_one, enqueue, finish

pytestmark = pytest.mark.acceptance

WORKER = "ui-chart-worker"


def _done(api: httpx.Client, queue: str) -> None:
    finish(api, claim_one(api, queue, WORKER), WORKER, "done", {})


def test_overview_charts_render_the_seeded_work_and_follow_new_work(page: Page, api: httpx.Client) -> None:
    queue = "ui-charts"
    for _ in range(4):
        enqueue(api, queue, retry_times=0)
    _done(api, queue)
    _done(api, queue)
    finish(api, claim_one(api, queue, WORKER), WORKER, "failed", {"error_type": "TimeoutError"})

    page.goto(f"/ui/#/overview?queue={queue}")
    expect(page.get_by_role("heading", name=f"Overview of {queue}")).to_be_visible()
    finished = page.locator("#chart-finished")
    expect(finished.locator("svg desc")).to_contain_text(
        "3 tasks finished in the last 60 minutes: 2 done, 0 failed, 1 dead"
    )
    expect(finished.locator("g.column rect.fill-done").first).to_be_visible()
    expect(finished.locator("g.column rect.fill-dead").first).to_be_visible()
    # The leader's samples: one task still queued, three claims with their delays.
    expect(page.locator("#chart-queued svg desc")).to_contain_text("1 queued at the last sample")
    expect(page.locator("#chart-claim-latency g.line-p50")).not_to_have_attribute("data-points", "0")
    expect(page.locator("#chart-schedule-to-start svg desc")).to_contain_text("latest sampled minute: p50")
    expect(page.locator("#chart-oldest g.line-gauge")).not_to_have_attribute("data-points", "0")
    screenshot(page, "overview-queue", full_page=True)

    # The text alternative: every minute's figures in a table.
    finished.get_by_text("Show the figures").click()
    expect(finished.locator("details table tbody tr")).to_have_count(61)

    _done(api, queue)  # the last queued task finishes; the next poll shows it
    expect(finished.locator("svg desc")).to_contain_text("4 tasks finished in the last 60 minutes: 3 done")
    expect(page.locator("#chart-queued svg desc")).to_contain_text("0 queued at the last sample")
    expect(finished.locator("details")).to_have_attribute("open", "")  # kept open across the refresh
    screenshot(page, "overview-queue-after-new-work", full_page=True)

    page.locator("#overview-queue").select_option("")
    expect(page).to_have_url(re.compile(r"#/overview$"))
    expect(page.get_by_role("heading", name="Overview", exact=True)).to_be_visible()
    expect(page.locator("#chart-finished svg desc")).to_contain_text("tasks finished in the last 60 minutes")
    expect(page.locator("#chart-queued g.line-gauge")).not_to_have_attribute("data-points", "0")
    screenshot(page, "overview-all-queues", full_page=True)


def test_clicking_a_bar_filters_the_task_list(page: Page, api: httpx.Client) -> None:
    queue = "ui-bars"
    enqueue(api, queue, kind="mail")
    enqueue(api, queue, kind="mail")
    enqueue(api, queue, kind="report", retry_times=0)
    first = claim_one(api, queue, WORKER)  # whichever comes first fails, classed OSError
    finish(api, first, WORKER, "failed", {"error_type": "OSError", "error": "no route"})

    page.goto(f"/ui/#/tasks?queue={queue}")
    kinds = page.get_by_role("region", name="By kind")
    mail = kinds.get_by_role("link", name=re.compile(r"^\d+ tasks of kind mail: show them$"))
    expect(mail).to_be_visible()
    classes = page.get_by_role("region", name="By error class")
    expect(classes.get_by_role("link", name="1 tasks in error class OSError: show them")).to_be_visible()
    screenshot(page, "tasks-bar-charts")

    mail.click()
    expect(page).to_have_url(re.compile(rf"#/tasks\?queue={queue}&kind=mail$"))
    expect(page.locator("#task-results tbody tr")).to_have_count(2)

    page.goto(f"/ui/#/tasks?queue={queue}")
    page.get_by_role("link", name="1 tasks in error class OSError: show them").click()
    expect(page).to_have_url(re.compile(r"state=failed&state=dead.*error_text=OSError"))
    expect(page.locator("#task-results tbody tr")).to_have_count(1)
