"""Browser tests of the dashboard at /ui: headless Debian Chromium driven by Playwright.

One real ``tasques serve`` (the acceptance tests' server pool) and one browser per module; every test
gets a fresh 1280x800 browser context, closed afterwards. Playwright never downloads a browser here: it
drives the system Chromium at ``/usr/bin/chromium``. Without it the tests skip locally and fail under CI
(``CI`` set), where the browser tests must run. Any uncaught JavaScript error on a page fails its test.
"""

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, expect, sync_playwright

from tests.acceptance.conftest import TasquesServer, TasquesServerPool

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1280, "height": 800}
SCREENSHOTS = Path(__file__).resolve().parents[2] / ".ci-artifacts" / "screenshots"
# Long enough for a 3 s poll to come round twice on a slow CI machine, short enough to fail fast.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing (apt-get install -y chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: CI must run the browser tests", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TasquesServer]:
    pool = TasquesServerPool(tmp_path_factory.mktemp("browser-server"))
    try:
        # Queue samples every second, so the overview's backlog charts fill while a test watches.
        (started,) = pool.start(1, settings={"TASQUES_MAINTENANCE__QUEUE_SAMPLER__INTERVAL": "1s"})
        yield started
    finally:
        pool.stop_all()


@pytest.fixture(scope="module")
def api(server: TasquesServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.base_url, timeout=10.0) as client:
        yield client


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    _require_chromium()
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def page(browser: Browser, server: TasquesServer) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": VIEWPORT["width"], "height": VIEWPORT["height"]},
        base_url=server.base_url,
        locale="en-US",
        timezone_id="UTC",
    )
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        # A 401 is a state the dashboard handles (it asks for an API key); Chromium logs it anyway.
        if message.type == "error" and "status of 401" not in message.text:
            errors.append(f"console error: {message.text}")

    def on_page_error(error: Error) -> None:
        errors.append(f"uncaught: {error.message}")

    opened = context.new_page()
    opened.on("console", on_console)
    opened.on("pageerror", on_page_error)
    try:
        yield opened
    finally:
        context.close()
    if errors:
        pytest.fail("JavaScript errors on the page:\n" + "\n".join(errors), pytrace=False)


def screenshot(page: Page, name: str, *, full_page: bool = False) -> Path:
    """Save what the page shows now, at the 1280x800 viewport (or the whole page when ``full_page``),
    under .ci-artifacts/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failing browser test is often explained by the server's log: attach its tail."""
    report = yield
    started = getattr(item, "funcargs", {}).get("server")
    if report.failed and isinstance(started, TasquesServer):
        report.sections.append((f"{started.name} stderr (tail)", started.stderr_tail()))
    return report
