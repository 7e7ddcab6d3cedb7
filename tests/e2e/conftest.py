"""Browser journeys (issue 8): the system Chromium, headless, driven by Playwright against a live server on
loopback, with axe-core (WCAG 2.1 A/AA) run on every page a journey visits.

Never `playwright install`: the browser is the machine's own (`chromium` from the distribution), started with no
background networking so the tests reach nothing beyond loopback.
"""

import os
import shutil

import pytest
from axe_playwright_python.sync_playwright import Axe, AxeResults
from playwright.sync_api import Page, sync_playwright

# Playwright's synchronous API runs an event loop in this thread; the test body still talks to Django's ORM
# synchronously, which is safe here (one thread, no concurrent coroutines).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = ["--disable-background-networking", "--disable-component-update", "--no-first-run"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def chromium_path() -> str:
    path = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed: `apt-get install chromium` (.ci/run does it).", pytrace=False)
    return path


@pytest.fixture(scope="session")
def browser():  # type: ignore[no-untyped-def]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


class Checked:
    """A page plus an accessibility check after every visit (and on demand for error states)."""

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.base, self.checked = page, base, []
        self.axe = Axe()

    def go(self, path: str) -> Page:
        self.page.goto(self.base + path)
        self.check()
        return self.page

    def check(self) -> None:
        # A click that submits a form returns once the next page starts arriving: check the whole page, not the
        # part parsed so far (a busy machine showed a half-parsed filter heading as an empty <summary>).
        self.page.wait_for_load_state("load")
        # axe-core is loaded once per document, and only the violations come back: a page's full results (every
        # rule passed, with each element it checked) made each check several times slower.
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(self.axe.axe_script)
        violations = self.page.evaluate(
            "options => axe.run(document, options).then(results => results.violations)",
            {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]},
        )
        self.checked.append(self.page.url)
        assert not violations, f"{self.page.url}:\n{AxeResults({'violations': violations}).generate_report()}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # type: ignore[no-untyped-def]
    outcome = yield
    report = outcome.get_result()
    if report.when == "call":
        item.failed_in_call = report.failed


@pytest.fixture
def web(browser, live_server, request, tmp_path_factory):  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Checked(page, live_server.url)
    if getattr(request.node, "failed_in_call", False):  # what the browser showed, for the person reading the failure
        shot = tmp_path_factory.getbasetemp() / f"{request.node.name}.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the failing page: {shot}")
    context.close()
