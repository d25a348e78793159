"""A fire-team leader inspects a household on a phone-sized screen, fails an item, and the overdue
register shows the finding."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.harness import artifact, sign_in

pytestmark = pytest.mark.browser

# Runs inside the server's database (binhan shell): a team of Tổ dân phố 2's households, led by the leader.
MAKE_TEAM = """
import json
from binhan.accounts.models import User
from binhan.firesafety.services import teams
from binhan.geo.models import AdministrativeUnit, Household
leader = User.objects.get(username={leader!r})
group = AdministrativeUnit.objects.get(code="7090-002")
team = teams.team_create(actor=leader, unit=group, name="Tổ liên gia an toàn PCCC số 1", leader_user=leader,
                         households=list(Household.objects.filter(unit=group).order_by("id")))
print("TEAM " + json.dumps([team.pk, team.memberships.order_by("household_id").first().household_id]))
"""


def test_leader_records_a_failed_item_on_a_phone_and_the_register_shows_it(server, area, staff_user, new_page):
    leader = staff_user("fire_team_leader", "7090-002")
    output = server.shell(MAKE_TEAM.format(leader=leader["username"]))
    team_id, household_id = json.loads(next(line for line in output.splitlines()
                                             if line.startswith("TEAM ")).split(" ", 1)[1])

    phone = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    sign_in(phone, server, leader["username"], leader["password"])
    phone.goto(server.url + f"/fire-safety/teams/{team_id}/")
    with phone.expect_navigation():
        phone.locator(f"[data-household='{household_id}'] a[href$='/inspect/household/{household_id}/']").click()
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    fail = phone.locator("input[name=item_alarm][value=fail]")
    box = phone.locator("[data-item=item_alarm] label").first.bounding_box()
    assert box["height"] >= 44  # thumb-sized choices
    phone.check("input[name=item_extinguisher][value=ok]")
    fail.check()
    phone.fill("input[name=note_alarm]", "Chuông liên gia không kêu")
    phone.screenshot(path=artifact("firesafety-inspection-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.click("form.fs-checklist button[type=submit]")
    expect(phone.locator(".message-success")).to_be_visible()

    phone.goto(server.url + "/fire-safety/overdue/")
    finding = phone.locator("[data-finding]")
    expect(finding).to_have_count(1)
    expect(finding).to_contain_text("Chuông liên gia không kêu")
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=artifact("firesafety-overdue-phone.png"), full_page=True)
