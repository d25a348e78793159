"""The staff home updates its figures by itself when a household is added elsewhere (server-sent events)."""

import pytest
from playwright.sync_api import expect

from tests.browser.harness import sign_in, wait_until

pytestmark = pytest.mark.browser

# Tells the test when htmx's SSE extension has opened the event stream (init scripts are not subject to the CSP).
RECORD_SSE_OPEN = """
document.addEventListener("htmx:sseOpen", () => { window.__binhanSseOpen = true; });
"""


def test_households_figure_follows_a_household_added_through_the_api(server, area, staff_user, page, console):
    # Đông Triều, so the exact figures of An Sinh that other tests check stay as they are.
    officer = staff_user("commune_police", "7093")
    token = server.api_token(officer["username"])
    page.add_init_script(RECORD_SSE_OPEN)
    sign_in(page, server, officer["username"], officer["password"])
    households = page.locator("#area-figures [data-figure=households]")
    before = int(households.inner_text())
    wait_until(page, "() => window.__binhanSseOpen === true")

    status, body = server.api("POST", "/api/v1/households", token=token, payload={
        "unit_id": area["unit_ids"]["7093-001"], "address": "Số 12 phố Đông Triều", "member_count": 2,
    })
    assert status == 201, body

    expect(households).to_have_text(str(before + 1), timeout=5_000)
    assert page.locator("#area-figures").count() == 1
    # The swapped-in block is still wired to the stream: a second household moves the figure again.
    server.api("POST", "/api/v1/households", token=token, payload={
        "unit_id": area["unit_ids"]["7093-001"], "address": "Số 14 phố Đông Triều", "member_count": 1,
    })
    expect(households).to_have_text(str(before + 2), timeout=5_000)
