"""A fire-team leader inspects a household on a phone-sized screen, fails an item, and the overdue
register shows the finding; places the house on the team's map, where a fire report of the group then
shows without a link; the commune police see the same report on the fire-safety map with its link."""

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

# A fire report a few tens of metres from the placed house (as the intake would save it).
MAKE_FIRE = """
from datetime import timedelta
from django.utils import timezone
from binhan.firesafety.models import TeamHousehold
from binhan.reports.models import Category, Report
member = TeamHousehold.objects.get(team_id={team_id}, household_id={household_id}, left_on__isnull=True)
category = Category.objects.get(code="fire", province=None)
now = timezone.now()
report = Report.objects.create(category=category, unit_id=member.team.unit_id, unit_path=member.unit_path,
                               description="Khói bốc ra từ nhà kho", lat=member.lat + 0.0004, lon=member.lon,
                               priority=category.default_priority, created_at=now, due_at=now + timedelta(minutes=10))
print("FIRE " + json.dumps([report.pk, report.reference]))
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

    # Then the leader places the house on the team's map with a tap.
    phone.goto(server.url + f"/fire-safety/teams/{team_id}/")
    expect(phone.locator("#fs-team-map")).to_be_hidden()  # nothing placed, and the group has no centre
    with phone.expect_navigation():
        phone.locator(f"[data-household='{household_id}'] a[data-place]").click()
    phone.locator("#fs-place-map").tap()
    expect(phone.locator("#fs-place-map .fs-place-marker")).to_have_count(1)
    assert phone.input_value("input[name=lat]") and phone.input_value("input[name=lon]")
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=artifact("firesafety-place-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.click("form.fs-place button[type=submit]:not([name])")
    expect(phone.locator(".message-success")).to_be_visible()
    expect(phone.locator("#fs-team-map .fs-marker.fs-missing")).to_have_count(1)  # no equipment yet: ✗

    # A fire in the group: on the team's map for its leader, as a marker without a link.
    output = server.shell("import json\n" + MAKE_FIRE.format(team_id=team_id, household_id=household_id))
    report_id, reference = json.loads(next(line for line in output.splitlines()
                                           if line.startswith("FIRE ")).split(" ", 1)[1])
    phone.goto(server.url + f"/fire-safety/teams/{team_id}/")
    fire = phone.locator(f"#fs-team-map .fs-marker.fs-report[title^='{reference}']")
    expect(fire).to_have_count(1)
    fire.tap()
    expect(phone.locator("#fs-team-map .leaflet-popup-content")).to_contain_text(reference)
    expect(phone.locator("#fs-team-map .leaflet-popup-content a")).to_have_count(0)
    phone.screenshot(path=artifact("firesafety-team-map-fire-phone.png"), full_page=True)

    # The commune police see it on the fire-safety map, with the link to the report.
    police = staff_user("commune_police", "7090")
    desk = new_page()
    sign_in(desk, server, police["username"], police["password"])
    desk.goto(server.url + "/fire-safety/map/")
    fire = desk.locator(f"#fs-map .fs-marker.fs-report[title^='{reference}']")
    expect(fire).to_have_count(1)
    fire.click()
    expect(desk.locator("#fs-map .leaflet-popup-content a")).to_have_attribute("href", f"/reports/{report_id}/manage/")
    desk.screenshot(path=artifact("firesafety-map-fire-police.png"))
