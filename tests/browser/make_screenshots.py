"""Refresh the README's screenshots: `.venv/bin/python -m tests.browser.make_screenshots`.

The same machinery as the browser tests (a real server on a throw-away SQLite file, Debian's
chromium), with a larger synthetic commune so the figures look like a real one.
"""

import sys
import tempfile
from pathlib import Path

from tests.browser.harness import (
    MISSING_CHROMIUM,
    REPO_ROOT,
    LiveServer,
    find_chromium,
    launch_chromium,
    sign_in,
)

DOCS = REPO_ROOT / "docs"


def main() -> int:
    chromium = find_chromium()
    if chromium is None:
        sys.stderr.write(MISSING_CHROMIUM + "\n")
        return 1
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="binhan-screenshots-") as workdir, LiveServer(Path(workdir)) as server:
        server.seed("readme_area")
        officer = server.seed("staff_user", username="cong-an-an-sinh", unit_code="7090", role="commune_police",
                              first_name="Minh", last_name="Trần Quang")
        (DOCS / "screenshots").mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, chromium)
            staff = browser.new_context(viewport={"width": 1280, "height": 800}, locale="vi-VN")
            page = staff.new_page()
            sign_in(page, server, officer["username"], officer["password"])
            page.wait_for_timeout(300)  # the event stream stays open, so "networkidle" would never come
            page.screenshot(path=DOCS / "screenshot.png")

            phone = browser.new_context(viewport={"width": 360, "height": 800}, locale="vi-VN", device_scale_factor=2,
                                        is_mobile=True, has_touch=True)
            page = phone.new_page()
            page.goto(server.url + "/accounts/register/?group_q=T%E1%BB%95+d%C3%A2n+ph%E1%BB%91+1")
            page.wait_for_load_state("networkidle")
            page.screenshot(path=DOCS / "screenshots" / "resident-register-360.png", full_page=True)
            browser.close()
    for path in (DOCS / "screenshot.png", DOCS / "screenshots" / "resident-register-360.png"):
        print(path.relative_to(REPO_ROOT))  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
