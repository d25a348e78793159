"""A security team member starts and ends a patrol on a phone-sized screen; the commune officer's patrol
page shows it going on, then ended, without a reload."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.harness import artifact, sign_in, wait_until

pytestmark = pytest.mark.browser

RECORD_SSE_OPEN = """
document.addEventListener("htmx:sseOpen", () => { window.__binhanSseOpen = true; });
"""



# Runs inside the server's database (binhan shell): a team for Tổ dân phố 2 with the member's account on it.
MAKE_TEAM = """
import json
from datetime import date
from binhan.accounts.models import User
from binhan.community.services import teams
from binhan.geo.models import AdministrativeUnit
officer = User.objects.get(username={officer!r})
team = teams.team_create(actor=officer, unit=AdministrativeUnit.objects.get(code="7090-002"),
                         established_on=date(2025, 1, 10), name="Tổ bảo vệ ANTT tổ 2")
teams.member_add(actor=officer, team=team, full_name="Đinh Văn Sơn", date_of_birth=date(1985, 3, 2),
                 education="upper_secondary", resident_since=date(2010, 1, 1), position="leader",
                 user=User.objects.get(username={member!r}))
print("TEAM " + json.dumps(team.pk))
"""


def test_member_patrols_on_a_phone_and_the_officer_sees_it_live(server, area, staff_user, new_page):
    officer = staff_user("commune_police", "7090")
    member = staff_user("security_member", "7090-002")
    output = server.shell(MAKE_TEAM.format(officer=officer["username"], member=member["username"]))
    team_id = json.loads(next(line for line in output.splitlines() if line.startswith("TEAM ")).split(" ", 1)[1])

    desk = new_page()
    desk.add_init_script(RECORD_SSE_OPEN)
    sign_in(desk, server, officer["username"], officer["password"])
    desk.goto(server.url + "/community/patrols/")
    wait_until(desk, "() => window.__binhanSseOpen === true")
    expect(desk.locator("[data-on-patrol-count]")).to_have_text("0")
    desk.evaluate("() => { window.__binhanMarker = 'no reload'; }")

    phone = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    sign_in(phone, server, member["username"], member["password"])
    phone.goto(server.url + "/community/duty/")
    start = phone.locator("[data-start-patrol]")
    box = start.bounding_box()
    assert box["height"] >= 52 and box["width"] >= 280  # a big button across the screen
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    with phone.expect_navigation():
        start.click()
    expect(phone.locator("[data-patrol-open]")).to_be_visible()
    phone.screenshot(path=artifact("community-duty-phone.png"), full_page=True)

    open_row = desk.locator("#now-heading ~ * [data-patrol-state=open]")
    expect(open_row).to_have_count(1, timeout=5_000)
    expect(desk.locator("[data-on-patrol-count]")).to_have_text("1")
    expect(open_row).to_contain_text("Đinh Văn Sơn")

    phone.fill("textarea[name=notes]", "Khu vực yên tĩnh, nhắc hai nhà đóng cổng.")
    with phone.expect_navigation():
        phone.click("[data-end-patrol]")
    expect(phone.locator("[data-start-patrol]")).to_be_visible()

    expect(desk.locator("[data-on-patrol-count]")).to_have_text("0", timeout=5_000)
    expect(desk.locator("[data-nobody-on-patrol]")).to_be_visible()
    expect(desk.locator("[data-patrol-state=ended]").first).to_contain_text("Đinh Văn Sơn")
    assert desk.evaluate("() => window.__binhanMarker") == "no reload"
    desk.screenshot(path=artifact("community-patrols-officer.png"), full_page=True)
    assert team_id > 0
