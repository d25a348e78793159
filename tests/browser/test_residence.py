"""A boarding-house manager declares two guests on a phone; the officer's stay-receipt book shows them
without a reload."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.browser.harness import artifact, sign_in, wait_until
from tests.factories import earlier_today

pytestmark = pytest.mark.browser

RECORD_SSE_OPEN = """
document.addEventListener("htmx:sseOpen", () => { window.__binhanSseOpen = true; });
"""

# Runs inside the server's database (binhan shell): the commune police register the manager's boarding house.
MAKE_LODGING = """
from binhan.accounts.models import User
from binhan.geo.models import AdministrativeUnit
from binhan.residence.services import lodgings
lodging = lodgings.lodging_register(actor=User.objects.get(username={officer!r}),
                                    unit=AdministrativeUnit.objects.get(code="7090-002"), kind="boarding_house",
                                    name="Nhà trọ Hoa Sen", address="Số 5 ngõ 3",
                                    manager=User.objects.get(username={manager!r}))
print("LODGING", lodging.pk)
"""


def _fill_guest(page, index: int, name: str, number: str, arrival: str, departure: str) -> None:
    page.fill(f"[name=form-{index}-full_name]", name)
    page.fill(f"[name=form-{index}-id_number]", number)
    page.fill(f"[name=form-{index}-reason]", "Du lịch")
    page.fill(f"[name=form-{index}-arrival_at]", arrival)
    page.fill(f"[name=form-{index}-departs_on]", departure)
    page.select_option(f"[name=form-{index}-relation]", "customer")


def test_manager_declares_two_guests_and_the_officer_sees_them_live(server, area, staff_user, new_page):
    officer = staff_user("commune_police", "7090")
    manager = staff_user("resident", "7090-002")
    output = server.shell(MAKE_LODGING.format(officer=officer["username"], manager=manager["username"]))
    lodging_id = int(next(line for line in output.splitlines() if line.startswith("LODGING ")).split()[1])

    desk = new_page()
    desk.add_init_script(RECORD_SSE_OPEN)
    sign_in(desk, server, officer["username"], officer["password"])
    desk.goto(server.url + "/stays/book/")
    wait_until(desk, "() => window.__binhanSseOpen === true")
    expect(desk.locator("[data-empty-book]")).to_be_visible()
    desk.evaluate("() => { window.__binhanMarker = 'no reload'; }")

    now = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh"))
    arrival = earlier_today(0.5).strftime("%Y-%m-%dT%H:%M")  # today's arrivals, whatever the hour
    departure = (now + timedelta(days=2)).strftime("%Y-%m-%d")
    phone = new_page(width=360, height=740, is_mobile=True, has_touch=True)
    sign_in(phone, server, manager["username"], manager["password"])
    phone.goto(server.url + f"/stays/lodgings/{lodging_id}/declare/")
    _fill_guest(phone, 0, "Lê Văn Khách", "001203004567", arrival, departure)
    with phone.expect_navigation():
        phone.click("button[name=add_guest]")
    expect(phone.locator("[name=form-0-full_name]")).to_have_value("Lê Văn Khách")
    _fill_guest(phone, 1, "Anna Berg", "P9876543", arrival, departure)
    phone.select_option("[name=form-1-id_kind]", "passport")
    phone.fill("[name=form-1-nationality]", "SE")
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    with phone.expect_navigation():
        phone.click("[data-send-declaration]")
    expect(phone.locator("[data-stay]")).to_have_count(2)
    phone.screenshot(path=artifact("residence-manager-phone.png"), full_page=True)

    expect(desk.locator("[data-stay]")).to_have_count(2, timeout=5_000)
    expect(desk.locator("[data-figure=foreigners]")).to_have_text("1")
    expect(desk.locator("#stay-book")).to_contain_text("Anna Berg")
    assert desk.evaluate("() => window.__binhanMarker") == "no reload"
    desk.screenshot(path=artifact("residence-book-officer.png"), full_page=True)
