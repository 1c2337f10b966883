"""The dashboard against a real server: seeded through the HTTP API, checked through the browser.

Each test works on its own queues, so the tests do not depend on each other's order.
"""

import re
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import TIMEOUT_MS, screenshot

pytestmark = pytest.mark.acceptance

# Failed tasks wait an hour before they are claimable again, so a "failed" task stays failed.
SLOW_BACKOFF = {"strategy": "fixed", "base": "1h", "max": "1h", "jitter": 0}
HOSTILE_ARG = '<img src=x onerror="window.__pwned=1">'


def enqueue(api: httpx.Client, queue: str, **fields: Any) -> dict[str, Any]:
    response = api.post("/tasques", json={"queue": queue, "kind": "render", **fields})
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


def claim_one(api: httpx.Client, queue: str, worker: str) -> dict[str, Any]:
    response = api.post(
        "/tasques/claims",
        json={"queues": [queue], "amount": 1, "block_for": "0s"},
        headers={"X-TASQUES-WORKER-ID": worker},
    )
    assert response.status_code == 200, response.text
    (task,) = response.json()
    claimed: dict[str, Any] = task
    return claimed


def finish(api: httpx.Client, task: dict[str, Any], worker: str, how: str, data: dict[str, Any]) -> None:
    response = api.put(
        f"/tasques/{how}/{task['queue']}/{task['id']}",
        json={"data": data},
        headers={"X-TASQUES-WORKER-ID": worker, "X-TASQUES-LEASE-TOKEN": task["lease_token"]},
    )
    assert response.status_code == 200, response.text


def make_dead(api: httpx.Client, queue: str, worker: str = "ui-worker", **fields: Any) -> str:
    """A task with retry_times 0 that fails once is dead."""
    enqueue(api, queue, retry_times=0, **fields)
    claimed = claim_one(api, queue, worker)
    finish(api, claimed, worker, "failed", {"error": "boom"})
    return str(claimed["id"])


def task_state(api: httpx.Client, queue: str, task_id: str) -> str:
    response = api.get(f"/tasques/{queue}/{task_id}")
    assert response.status_code == 200, response.text
    return str(response.json()["state"])


@dataclass(frozen=True)
class Overview:
    """ui-reports: queued 1, claimed 1, dead 1. ui-emails: queued 1, claimed 1, failed 1."""

    dead_id: str


@pytest.fixture(scope="module")
def overview(api: httpx.Client) -> Overview:
    for number in (1, 2, 3):
        enqueue(api, "ui-reports", retry_times=0, args={"n": number, "html": HOSTILE_ARG})
    doomed = claim_one(api, "ui-reports", "ui-w1")
    report = api.put(
        f"/tasques/reports/ui-reports/{doomed['id']}",
        json={"data": {"pct": 40}, "checkpoint": {"offset": 4000}},
        headers={"X-TASQUES-WORKER-ID": "ui-w1", "X-TASQUES-LEASE-TOKEN": doomed["lease_token"]},
    )
    assert report.status_code == 200, report.text
    finish(api, doomed, "ui-w1", "failed", {"error": "disk full <b>!</b>"})
    claim_one(api, "ui-reports", "ui-w1")  # stays claimed

    for _ in range(3):
        enqueue(api, "ui-emails", kind="send", retry_times=2, priority=5, backoff=SLOW_BACKOFF)
    failing = claim_one(api, "ui-emails", "ui-w2")
    finish(api, failing, "ui-w2", "failed", {"error": "smtp down"})  # failed, backing off for an hour
    claim_one(api, "ui-emails", "ui-w2")  # stays claimed
    return Overview(dead_id=str(doomed["id"]))


def counts_cell(page: Page, queue: str, state: str) -> Any:
    return page.locator(f'#queues-table tr[data-queue="{queue}"] td[data-state="{state}"]')


def test_queues_overview_shows_live_counts_and_pauses_a_queue(
    page: Page, api: httpx.Client, overview: Overview
) -> None:
    page.goto("/ui")
    expect(page.get_by_role("heading", level=1, name="Queues")).to_be_visible()
    expected = {
        "ui-reports": {"queued": 1, "claimed": 1, "failed": 0, "dead": 1, "done": 0, "cancelled": 0},
        "ui-emails": {"queued": 1, "claimed": 1, "failed": 1, "dead": 0, "done": 0, "cancelled": 0},
    }
    for queue, counts in expected.items():
        for state, count in counts.items():
            expect(counts_cell(page, queue, state)).to_have_text(str(count))
    screenshot(page, "queues-overview")

    # Live: a queue that appears after the page loaded shows up on the next poll, without a reload.
    enqueue(api, "ui-live")
    expect(counts_cell(page, "ui-live", "queued")).to_have_text("1")

    page.get_by_role("button", name="Pause queue ui-emails").click()
    emails_row = page.locator('#queues-table tr[data-queue="ui-emails"]')
    expect(emails_row.locator('td[data-field="status"]')).to_have_text("paused")
    assert _queue(api, "ui-emails")["paused"] is True
    screenshot(page, "queues-paused")
    page.get_by_role("button", name="Resume queue ui-emails").click()
    expect(emails_row.locator('td[data-field="status"]')).to_have_text("active")
    assert _queue(api, "ui-emails")["paused"] is False


def _queue(api: httpx.Client, name: str) -> dict[str, Any]:
    response = api.get("/queues")
    assert response.status_code == 200, response.text
    (found,) = [queue for queue in response.json()["queues"] if queue["queue"] == name]
    return dict(found)


def test_search_filters_by_queue_and_state_and_pages_with_the_cursor(
    page: Page, api: httpx.Client, overview: Overview
) -> None:
    page.goto("/ui/#/tasks")
    page.get_by_label("Queues", exact=True).fill("ui-reports")
    page.get_by_label("Dead").check()
    page.get_by_role("button", name="Search").click()
    rows = page.locator("#task-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-task-id", overview.dead_id)
    assert "queue=ui-reports" in page.url
    assert "state=dead" in page.url
    screenshot(page, "tasks-search")

    created = api.post(
        "/tasques/batch", json={"tasks": [{"queue": "ui-paging", "kind": "page"} for _ in range(25)]}
    )
    assert created.status_code in (200, 201), created.text
    page.goto("/ui/#/tasks?queue=ui-paging&limit=20")
    expect(rows).to_have_count(20)
    next_page = page.get_by_role("button", name="Next page")
    expect(next_page).to_be_enabled()
    next_page.click()
    expect(rows).to_have_count(5)
    expect(page.locator("#results-status")).to_contain_text("Tasks 21\u201325 (last page)")
    expect(next_page).to_be_disabled()
    page.get_by_role("button", name="Previous page").click()
    expect(rows).to_have_count(20)


def test_search_by_error_text_and_sort_order(page: Page, overview: Overview) -> None:
    page.goto("/ui/#/tasks")
    page.get_by_label("Queues", exact=True).fill("ui-emails")
    page.get_by_label("Error text").fill("SMTP down")
    page.get_by_label("Sort by").select_option("priority")
    page.get_by_label("Order", exact=True).select_option("asc")
    page.get_by_role("button", name="Search").click()

    rows = page.locator("#task-results tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("failed")
    expect(page.locator("#results-status")).to_contain_text("lowest priority first")
    # The bulk panel takes the whole query, text filters included.
    expect(page.locator("section.bulk")).to_contain_text("error_text=SMTP down")
    assert "error_text=SMTP+down" in page.url
    assert "sort=priority" in page.url
    assert "order=asc" in page.url

    page.goto("/ui/#/tasks?queue=ui-reports&text=disk")
    expect(rows).to_have_count(1)
    expect(rows.first).to_have_attribute("data-task-id", overview.dead_id)
    expect(page.get_by_label("Text in args or results")).to_have_value("disk")


def test_task_detail_shows_payloads_and_the_attempt_history(page: Page, overview: Overview) -> None:
    page.goto("/ui/#/tasks?queue=ui-reports&state=dead")
    page.get_by_role("link", name=f"Task {overview.dead_id} in ui-reports").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(overview.dead_id)
    expect(heading).to_contain_text("dead")

    detail = page.locator("#task-detail")
    # A hostile argument is shown as text, never parsed as markup.
    expect(detail.get_by_role("region", name="Args")).to_contain_text(HOSTILE_ARG.replace('"', '\\"'))
    expect(detail.locator("img")).to_have_count(0)
    assert page.evaluate("() => window.__pwned === undefined")
    expect(detail.get_by_role("region", name="Checkpoint")).to_contain_text('"offset": 4000')
    expect(detail.get_by_role("region", name="Last claim")).to_contain_text("ui-w1")
    expect(detail.get_by_role("region", name="Result")).to_contain_text("disk full <b>!</b>")

    attempt = page.locator('#attempts li.attempt[data-attempt="1"]')
    expect(attempt).to_have_attribute("data-outcome", "dead")
    expect(attempt.locator("li.event")).to_have_count(3)
    assert attempt.locator("li.event").evaluate_all("items => items.map(i => i.dataset.kind)") == [
        "claimed",
        "reported",
        "dead",
    ]
    expect(attempt).to_contain_text("Worker ui-w1")
    screenshot(page, "task-detail")


def test_retrying_a_dead_task_queues_it_again(page: Page, api: httpx.Client) -> None:
    dead_id = make_dead(api, "ui-retry", args={"to": "retry"})
    page.goto(f"/ui/#/task/ui-retry/{dead_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dead")
    expect(page.get_by_role("button", name="Cancel", exact=True)).to_be_disabled()
    page.get_by_role("button", name="Retry").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("queued")
    expect(page.locator("#flash")).to_contain_text("now queued")
    assert task_state(api, "ui-retry", dead_id) == "queued"
    screenshot(page, "task-retried")


def test_bulk_retry_previews_a_dry_run_then_follows_the_job(page: Page, api: httpx.Client) -> None:
    dead_ids = [make_dead(api, "ui-bulk") for _ in range(3)]
    page.goto("/ui/#/tasks?queue=ui-bulk&state=dead")
    expect(page.locator("#task-results tbody tr")).to_have_count(3)
    page.get_by_label("Action", exact=True).select_option("retry")
    page.get_by_role("button", name="Preview (dry run)").click()
    preview = page.locator("#bulk-preview")
    expect(preview.locator(".dry-run-count")).to_contain_text(re.compile(r"^3 tasks match"))
    expect(preview.locator("tbody tr")).to_have_count(3)
    # A dry run changes nothing.
    assert {task_state(api, "ui-bulk", task_id) for task_id in dead_ids} == {"dead"}
    screenshot(page, "bulk-dry-run")

    page.get_by_role("button", name="Retry 3 tasks").click()
    expect(page.locator("#bulk-job-status")).to_contain_text("retry done: 3 of 3 processed")
    expect(page.locator("#bulk-job-status")).to_contain_text("succeeded 3")
    assert {task_state(api, "ui-bulk", task_id) for task_id in dead_ids} == {"queued"}
    screenshot(page, "bulk-job-done")


def test_bulk_retry_with_a_text_filter_acts_only_on_the_tasks_listed(page: Page, api: httpx.Client) -> None:
    nightly = make_dead(api, "ui-bulk-text", args={"report": "nightly"})
    weekly = make_dead(api, "ui-bulk-text", args={"report": "weekly"})
    page.goto("/ui/#/tasks?queue=ui-bulk-text&state=dead&text=nightly")
    expect(page.locator("#task-results tbody tr")).to_have_count(1)
    page.get_by_label("Action", exact=True).select_option("retry")
    page.get_by_role("button", name="Preview (dry run)").click()
    expect(page.locator("#bulk-preview .dry-run-count")).to_contain_text(re.compile(r"^1 tasks? match"))

    page.get_by_role("button", name=re.compile(r"^Retry 1 task")).click()
    expect(page.locator("#bulk-job-status")).to_contain_text("retry done: 1 of 1 processed")
    assert (task_state(api, "ui-bulk-text", nightly), task_state(api, "ui-bulk-text", weekly)) == (
        "queued",
        "dead",
    )


def test_recurring_tasks_show_their_schedule_and_pause(page: Page, api: httpx.Client) -> None:
    created = api.post(
        "/recurring_tasques",
        json={
            "id": "ui-nightly",
            "schedule_expression": "30 2 * * *",
            "timezone": "Europe/Paris",
            "overlap_policy": "skip",
            "task_definition": {"queue": "ui-recurring", "kind": "report"},
        },
    )
    assert created.status_code == 201, created.text
    page.goto("/ui/#/recurring")
    row = page.locator('#recurring-table tr[data-recurring-id="ui-nightly"]')
    expect(row).to_contain_text("30 2 * * *")
    expect(row).to_contain_text("Europe/Paris")
    expect(row).to_contain_text("skip")
    expect(row).to_contain_text("ui-recurring / report")
    if created.json().get("next_fire_at"):
        expect(row.locator('td[data-field="next-fire"] time')).to_have_count(1)

    page.get_by_role("button", name="Pause recurring task ui-nightly").click()
    expect(row).to_contain_text("paused")
    assert api.get("/recurring_tasques/ui-nightly").json()["paused"] is True
    screenshot(page, "recurring")
    page.get_by_role("button", name="Resume recurring task ui-nightly").click()
    expect(row).to_contain_text("active")
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    while api.get("/recurring_tasques/ui-nightly").json()["paused"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert api.get("/recurring_tasques/ui-nightly").json()["paused"] is False


def test_queues_show_throughput_and_the_search_summarises_kinds_and_error_classes(
    page: Page, api: httpx.Client
) -> None:
    make_dead(api, "ui-stats")  # {"error": "boom"}: a message, so unclassified
    enqueue(api, "ui-stats", kind="mail", retry_times=0)
    claimed = claim_one(api, "ui-stats", "ui-worker")
    finish(api, claimed, "ui-worker", "failed", {"error": "no route", "error_type": "OSError"})
    enqueue(api, "ui-stats", kind="mail")

    page.goto("/ui")
    throughput = page.locator('#queues-table tr[data-queue="ui-stats"] td[data-field="throughput"]')
    expect(throughput.locator('span[data-window="300"]')).to_have_text("2 dead")
    screenshot(page, "queues-throughput")

    page.goto("/ui/#/tasks?queue=ui-stats")
    summary = page.get_by_role("region", name="By kind")
    expect(summary.locator("a.bar-link")).to_have_count(2)
    expect(summary.locator('[data-key="mail"]')).to_contain_text("2")
    expect(summary.locator('[data-key="render"]')).to_contain_text("1")
    classes = page.get_by_role("region", name="By error class")
    expect(classes.locator('[data-key="OSError"]')).to_contain_text("1")
    expect(classes.locator('[data-key="unclassified"]')).to_contain_text("1")
    screenshot(page, "tasks-summary")
