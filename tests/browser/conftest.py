"""Real-browser tests: Playwright drives Debian's chromium against a real `binhan serve`.

The pattern every browser test follows:

    from tests.browser.harness import artifact, sign_in

    pytestmark = pytest.mark.browser

    def test_something(server, area, staff_user, page):
        officer = staff_user("commune_police", "7090")
        sign_in(page, server, officer["username"], officer["password"])
        ...
        page.screenshot(path=artifact("something.png"), full_page=True)

- Without chromium the whole package is skipped, saying how to get it (`.ci/run` installs it).
  BINHAN_CHROMIUM=/path/to/chromium picks another binary; a missing path simulates no chromium.
- `server` is one real server for the package: its own temporary SQLite file (even when the
  suite runs on PostgreSQL), migrated, statics collected into the temporary folder. It is not
  pytest-django's live_server, so the tests here never use the `db` fixture: write data with
  `server.seed(...)` (functions of seed.py, run in the server's database) or `server.binhan(...)`.
- `page` is a fresh browser context per test; a Content-Security-Policy violation in its
  console fails the test, and a failing test leaves a screenshot in var/test-artifacts/.
- Playwright's sync API leaves an asyncio loop marked as running while it is started, which
  would make Django refuse database calls in later tests: so Playwright lives only as long as
  this package (package scope), not the whole session.
- The README's screenshots come from the same machinery: `python -m tests.browser.make_screenshots`.
"""

from __future__ import annotations

import itertools

import pytest

from tests.browser.harness import (
    ARTIFACTS_DIR,
    MISSING_CHROMIUM,
    LiveServer,
    csp_violations,
    find_chromium,
    launch_chromium,
)


@pytest.fixture(scope="package", autouse=True)
def chromium_executable() -> str:
    executable = find_chromium()
    if executable is None:
        pytest.skip(MISSING_CHROMIUM)
    pytest.importorskip("playwright.sync_api", reason="Playwright's Python package is missing: make install")
    return executable


@pytest.fixture(scope="package")
def server(tmp_path_factory) -> LiveServer:
    live = LiveServer(tmp_path_factory.mktemp("browser-server")).start()
    yield live
    live.stop()


@pytest.fixture(scope="package")
def area(server) -> dict:
    """The small area of seed.area(): unit ids and the figures An Sinh's staff must see."""
    return server.seed("area")


@pytest.fixture(scope="package")
def staff_user(server):
    """staff_user(role, unit_code) -> {"username", "password", "unit_id"}: a new user per call."""
    counter = itertools.count(1)

    def make(role: str = "commune_police", unit_code: str = "7090") -> dict:
        return server.seed("staff_user", username=f"{role.replace('_', '-')}-{next(counter)}", unit_code=unit_code,
                           role=role)

    return make


@pytest.fixture(scope="package")
def browser(chromium_executable):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = launch_chromium(playwright, chromium_executable)
        yield launched
        launched.close()


@pytest.fixture
def console() -> list[dict]:
    """What the pages of this test wrote to their console, and their uncaught errors."""
    return []


@pytest.fixture
def new_page(browser, console, request):
    """new_page(width=1280, height=800, locale="vi-VN", **context options) -> a page in a fresh context.

    The locale is what the browser sends as Accept-Language: a Vietnamese browser by default.
    """
    contexts = []

    def make(width: int = 1280, height: int = 800, locale: str = "vi-VN", **options):
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale, **options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.on("console", lambda message: console.append(
            {"type": message.type, "text": message.text, "url": message.location.get("url", "")}))
        page.on("pageerror", lambda error: console.append({"type": "pageerror", "text": str(error), "url": page.url}))
        return page

    yield make
    report = getattr(request.node, "rep_call", None)
    if report is not None and report.failed:
        ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        for index, context in enumerate(contexts):
            for number, page in enumerate(context.pages):
                page.screenshot(path=ARTIFACTS_DIR / f"{request.node.name}-failed-{index}-{number}.png", full_page=True)
    for context in contexts:
        context.close()
    violations = csp_violations(console)
    if violations and (report is None or report.passed):
        pytest.fail("Content-Security-Policy violations in the browser console:\n" + "\n".join(violations))


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.rep_call = report
    return report


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if any(MISSING_CHROMIUM in str(getattr(report, "longrepr", "")) for report in skipped):
        terminalreporter.write_line(f"browser tests skipped: {MISSING_CHROMIUM}", yellow=True)
