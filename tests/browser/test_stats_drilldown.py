"""A province leader opens the statistics, sees the communes on the province map, clicks one and lands on the
commune's dashboard; then the same page in Persian, right to left, on a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.harness import artifact, sign_in

pytestmark = pytest.mark.browser

# Runs inside the server's database: centre points for the groups, reports in both communes, the facts.
SEED = """
from django.utils import timezone
from binhan.core import events
from binhan.geo.models import AdministrativeUnit
from binhan.reports.models import Category, Report
from binhan.stats import engine
for code, lat, lon in [("7090-001", 20.95, 107.05), ("7090-002", 20.96, 107.06), ("7093-001", 21.05, 106.85)]:
    AdministrativeUnit.objects.filter(code=code).update(centre_lat=lat, centre_lon=lon)
theft = Category.objects.get(code="theft", province=None)
now = timezone.now()
for code, count in [("7090-001", 3), ("7093-001", 1)]:
    group = AdministrativeUnit.objects.get(code=code)
    for _ in range(count):
        report = Report.objects.create(category=theft, unit=group, unit_path=group.path, description="Mất xe máy",
                                       created_at=now, due_at=now)
        events.publish("report.created", unit_path=group.path, report_id=report.pk)
engine.follow_all()
"""


def _received(page) -> int:
    """The dashboard's "reports received" figure (other browser tests share the server and add reports)."""
    return int(page.locator('[data-indicator="reports.received"] [data-value]').inner_text().replace(".", "") or 0)


def test_province_leader_drills_down_from_the_map(server, area, staff_user, new_page):
    leader = staff_user("province_leader", "22")
    # What earlier tests left is counted first; then the commune's dashboard, found by its code.
    commune_id = server.shell("from binhan.stats import engine\nfrom binhan.geo.models import AdministrativeUnit\n"
                              "engine.follow_all()\nprint(AdministrativeUnit.objects.get(code='7090').pk)").split()[-1]
    page = new_page()
    sign_in(page, server, leader["username"], leader["password"])
    page.goto(server.url + "/stats/")
    expect(page.locator("h1")).to_contain_text("Quảng Ninh")
    commune = page.locator('svg.stats-map a[data-unit="7090"]')  # on the map once its groups have centre points
    province_before = _received(page)
    page.goto(f"{server.url}/stats/units/{commune_id}/")
    commune_before = _received(page)
    server.shell(SEED)
    page.goto(server.url + "/stats/")
    expect(page.locator('[data-indicator="reports.received"] [data-value]')).to_have_text(str(province_before + 4))
    expect(commune).to_have_count(1)
    page.screenshot(path=artifact("stats-province.png"), full_page=True)
    with page.expect_navigation():
        commune.click()
    expect(page.locator("h1")).to_contain_text("Phường An Sinh")
    expect(page.locator('[data-indicator="reports.received"] [data-value]')).to_have_text(str(commune_before + 3))
    expect(page.locator("table[data-children] tbody tr")).to_have_count(2)

    phone = new_page(width=360, height=740, locale="fa-IR", is_mobile=True)
    sign_in(phone, server, leader["username"], leader["password"])
    phone.goto(page.url)
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    phone.screenshot(path=artifact("stats-commune-fa-360.png"), full_page=True)
