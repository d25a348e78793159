"""A resident asks for mediation on a phone; the team leader takes the case in, assigns it, records the
session and a successful outcome, and the resident sees the result."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.harness import artifact, sign_in
from tests.factories import earlier_today

pytestmark = pytest.mark.browser

# Runs inside the server's database (binhan shell): the team of Tổ dân phố 1 (Đông Triều), its leader's account.
MAKE_TEAM = """
from datetime import date
from binhan.accounts.models import User
from binhan.geo.models import AdministrativeUnit
from binhan.mediation.services import teams
officer = User.objects.get(username={officer!r})
team = teams.team_create(actor=officer, unit=AdministrativeUnit.objects.get(code="7093-001"),
                         established_on=date(2020, 3, 1), name="Tổ hòa giải tổ 1 Đông Triều")
teams.mediator_add(actor=officer, team=team, full_name="Phạm Văn Hòa", gender="male", position="leader",
                   appointed_on=date(2020, 3, 1), user=User.objects.get(username={leader!r}))
teams.mediator_add(actor=officer, team=team, full_name="Nguyễn Thị Thu", gender="female", appointed_on=date(2020, 3, 1))
teams.mediator_add(actor=officer, team=team, full_name="Lê Văn Bình", gender="male", appointed_on=date(2020, 3, 1))
"""


def test_resident_asks_and_the_leader_records_a_successful_outcome(server, area, staff_user, new_page):
    officer = staff_user("commune_police", "7093")
    leader = staff_user("mediator", "7093-001")
    resident = staff_user("resident", "7093-001")
    server.shell(MAKE_TEAM.format(officer=officer["username"], leader=leader["username"]))

    phone = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    sign_in(phone, server, resident["username"], resident["password"])
    phone.goto(server.url + "/mediation/request/")
    phone.check("input[name=dispute_type][value=noise_environment]")
    phone.fill("textarea[name=description]", "Nhà bên cạnh hát karaoke đến 1 giờ sáng nhiều ngày liền.")
    phone.fill("input[name=other_party]", "Trần Văn Ồn")
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=artifact("mediation-request-phone.png"), full_page=True)
    with phone.expect_navigation():
        phone.click("form.stacked button[type=submit]")
    request = phone.locator("[data-request]")
    expect(request).to_have_count(1)
    reference = request.locator("strong").inner_text()
    assert reference.startswith("HG-")
    received = request.locator(".badge").inner_text()

    desk = new_page(width=390, height=844, is_mobile=True, has_touch=True)
    sign_in(desk, server, leader["username"], leader["password"])
    desk.goto(server.url + "/mediation/")
    desk.get_by_role("link", name=reference).click()
    with desk.expect_navigation():
        desk.locator("#action-intake button[type=submit]").click()
    desk.locator("#action-assign").get_by_label("Phạm Văn Hòa").check()
    with desk.expect_navigation():
        desk.locator("#action-assign button[type=submit]").click()
    expect(desk.locator("[data-status]")).to_be_visible()

    desk.locator("#action-session summary").click()
    held = earlier_today(1)  # never yesterday, whatever the hour
    desk.fill("#action-session input[name=held_at]", held.strftime("%Y-%m-%dT%H:%M"))
    desk.fill("#action-session input[name=place]", "Nhà văn hóa tổ 1")
    desk.locator("#action-session").get_by_label("Phạm Văn Hòa").check()
    desk.fill("#action-session textarea[name=requests]", "Bên yêu cầu đề nghị không hát sau 22 giờ.")
    with desk.expect_navigation():
        desk.locator("#action-session button[type=submit]").click()

    desk.locator("#action-outcome summary").click()
    desk.check("#action-outcome input[name=outcome][value=successful]")
    desk.fill("#action-outcome textarea[name=agreement]", "Không hát karaoke sau 22 giờ; vi phạm thì báo tổ dân phố.")
    desk.check("#action-outcome input[name=minutes_requested]")
    with desk.expect_navigation():
        desk.locator("#action-outcome button[type=submit]").click()
    expect(desk.locator("a[href$='minutes.pdf']")).to_be_visible()
    expect(desk.get_by_text("Không hát karaoke sau 22 giờ; vi phạm thì báo tổ dân phố.")).to_be_visible()
    desk.screenshot(path=artifact("mediation-case-outcome.png"), full_page=True)

    phone.reload()
    expect(phone.locator("[data-request] .badge")).not_to_have_text(received)
