"""An alert goes round: the officer sends it from the compose page, the resident's open inbox shows it
without reload, the resident acknowledges it, and the officer's live tally moves without reload.
"""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.harness import artifact, sign_in, wait_until

pytestmark = pytest.mark.browser

RECORD_SSE_OPEN = """
document.addEventListener("htmx:sseOpen", () => { window.__binhanSseOpen = true; });
"""
TITLE = "Cảnh báo cháy chợ Hòa Bình"

MAKE_RESIDENT = """
import json
from binhan.accounts.models import Membership, User
from binhan.geo.models import AdministrativeUnit, Household
group = AdministrativeUnit.objects.get(code="7090-002")
home = Household.objects.filter(unit=group).order_by("id").first()
user = User.objects.create(username="alert-resident", first_name="Hoa", last_name="Phạm Thị", household=home)
user.set_password("correct horse battery")
user.save()
Membership.objects.create(user=user, unit=group, unit_path=group.path, role="resident")
print("RESIDENT " + json.dumps({"username": user.username, "password": "correct horse battery"}))
"""


def mark(page, name: str) -> None:
    page.evaluate("name => { window.__binhanMarker = name; }", name)


def still_marked(page, name: str) -> bool:
    return page.evaluate("() => window.__binhanMarker") == name


def test_officer_sends_resident_sees_it_live_acknowledges_and_the_tally_moves(server, area, staff_user, new_page):
    output = server.shell(MAKE_RESIDENT)
    resident = json.loads(next(line for line in output.splitlines() if line.startswith("RESIDENT "))[9:])

    # --- The resident's inbox is open on a phone, waiting.
    phone = new_page(width=390, height=844)
    phone.add_init_script(RECORD_SSE_OPEN)
    sign_in(phone, server, resident["username"], resident["password"])
    phone.goto(server.url + "/alerts/inbox/")
    wait_until(phone, "() => window.__binhanSseOpen === true")
    expect(phone.locator("#inbox .empty")).to_be_visible()
    mark(phone, "inbox")

    # --- The commune officer writes and sends the alert.
    officer_page = new_page(width=1280, height=900)
    officer_page.add_init_script(RECORD_SSE_OPEN)
    officer = staff_user("commune_police", "7090")
    sign_in(officer_page, server, officer["username"], officer["password"])
    officer_page.goto(server.url + "/alerts/new/")
    officer_page.fill("input[name=title_vi]", TITLE)
    officer_page.fill("textarea[name=body_vi]", "Đang có cháy tại chợ Hòa Bình. Tránh xa khu vực, nhường đường cho xe cứu hỏa.")
    officer_page.fill("input[name=title_en]", "Fire at Hòa Bình market")
    officer_page.fill("textarea[name=body_en]", "A fire is burning at Hòa Bình market. Keep away.")
    officer_page.select_option("select[name=severity]", "extreme")
    officer_page.select_option("select[name=category]", "fire")
    officer_page.select_option("select[name=targets]", str(area["unit_ids"]["7090-002"]))
    with officer_page.expect_navigation():
        officer_page.click("button[data-action=send]")
    assert "/alerts/" in officer_page.url
    expect(officer_page.locator("[data-status]").first).to_have_attribute("data-status", "sent")
    wait_until(officer_page, "() => window.__binhanSseOpen === true")
    mark(officer_page, "detail")
    delivered = officer_page.locator("#alert-tally [data-figure=delivered]")
    acknowledged = officer_page.locator("#alert-tally [data-figure=acknowledged]")
    expect(acknowledged).to_have_text("0")

    # --- The worker fans the alert out (2 households in Tổ dân phố 2).
    server.binhan("worker", "--batch", "--no-periodic", "-v0")

    # --- Without reload: the resident's inbox shows it, with the unread badge; the officer sees it reached.
    expect(phone.locator("#inbox")).to_contain_text(TITLE, timeout=5_000)
    expect(phone.locator("[data-badge]")).to_have_text("1")
    assert still_marked(phone, "inbox")
    expect(delivered).to_have_text("2", timeout=5_000)

    # --- The resident opens it and says "I have seen it".
    with phone.expect_navigation():
        phone.click(f"#inbox a:has-text('{TITLE}')")
    expect(phone.locator("h1")).to_have_text(TITLE)
    with phone.expect_navigation():
        phone.click("button[data-action=acknowledge]")
    expect(phone.locator("[data-acknowledged]")).to_be_visible()

    # --- The officer's tally moves by itself.
    expect(acknowledged).to_have_text("1", timeout=5_000)
    assert still_marked(officer_page, "detail")
    officer_page.screenshot(path=artifact("alerts-tally.png"), full_page=True)
    phone.screenshot(path=artifact("alerts-resident.png"), full_page=True)
