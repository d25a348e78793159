"""An officer asks for footage from a report's page, the owner accepts and uploads a clip on a phone, and the
officer sees the clip with its SHA-256."""

from __future__ import annotations

import hashlib
import json

import pytest
from playwright.sync_api import expect

from tests.browser.harness import artifact, sign_in

pytestmark = pytest.mark.browser

CLIP = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + bytes(range(256)) * 16

# Runs inside the server's database: a theft report in Tổ dân phố 1, a household camera 20 m west looking at it.
SETUP = """
import json
from binhan.accounts.models import User
from binhan.cameras import geometry, services
from binhan.geo.models import Household
from binhan.reports.models import Category, Report
from django.utils import timezone
from datetime import timedelta
owner = User.objects.get(username={owner!r})
owner.household = Household.objects.filter(unit__code="7090-001").order_by("id").first()
owner.email = "owner@example.org"
owner.save()
lat, lon = 21.0, 107.0
clat, clon = geometry.destination(lat, lon, 270, 20)
camera = services.camera_register_private(actor=owner, business=False, fields={{
    "name": "Camera trước nhà số 7", "lat": clat, "lon": clon, "direction": 90, "angle": 90, "range_m": 40,
    "retention_days": 7, "covers": ["street"]}})
unit = owner.household.unit
category = Category.objects.get(code="theft", province=None)
now = timezone.now() - timedelta(hours=2)
report = Report.objects.create(category=category, unit=unit, unit_path=unit.path, description="Mất xe máy",
                               lat=lat, lon=lon, created_at=now, due_at=now + timedelta(days=1))
print("IDS " + json.dumps([report.pk, camera.pk]))
"""


def test_officer_requests_owner_uploads_officer_sees_hash(server, area, staff_user, new_page, tmp_path):
    officer = staff_user("commune_police", "7090")
    owner = staff_user("resident", "7090-001")
    output = server.shell(SETUP.format(owner=owner["username"]))
    report_id, camera_id = json.loads(next(line for line in output.splitlines() if line.startswith("IDS ")).split(" ", 1)[1])

    desk = new_page(locale="en-GB")
    sign_in(desk, server, officer["username"], officer["password"])
    desk.goto(f"{server.url}/reports/{report_id}/manage/")
    panel = desk.locator("[data-panel=cameras]")
    expect(panel.locator(f"[data-camera='{camera_id}']")).to_contain_text("Camera trước nhà số 7")
    with desk.expect_navigation():
        panel.locator(f"[data-camera='{camera_id}'] a.button").click()
    desk.fill("textarea[name=reason]", "Xác minh vụ trộm xe máy")
    desk.fill("input[name=investigator_contact]", "Đại úy Hùng 0912 000 111")
    with desk.expect_navigation():
        desk.click("[data-send-request]")
    request_url = desk.url
    expect(desk.locator("[data-request-status]")).to_have_text("Waiting for the owner")
    desk.evaluate("() => { window.__binhanMarker = 'no reload'; }")

    phone = new_page(width=360, height=740, is_mobile=True, has_touch=True, locale="en-GB")
    sign_in(phone, server, owner["username"], owner["password"])
    phone.goto(server.url + "/cameras/mine/")
    with phone.expect_navigation():
        phone.locator("[data-owner-request]").first.click()
    with phone.expect_navigation():
        phone.click("[data-accept]")
    clip_path = tmp_path / "clip.mp4"
    clip_path.write_bytes(CLIP)
    phone.set_input_files("input[name=clip]", str(clip_path))
    with phone.expect_navigation():
        phone.click("[data-send-clip]")
    expect(phone.locator("[data-owner-status]")).to_have_text("Footage received")
    assert phone.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")
    phone.screenshot(path=artifact("cameras-owner-phone.png"), full_page=True)

    # The officer's page follows live (server-sent events), without a reload.
    expect(desk.locator("[data-request-status]")).to_have_text("Footage received", timeout=10_000)
    assert (desk.url, desk.evaluate("() => window.__binhanMarker")) == (request_url, "no reload")
    expect(desk.locator("[data-sha256]")).to_have_text(hashlib.sha256(CLIP).hexdigest())
    desk.screenshot(path=artifact("cameras-request-officer.png"), full_page=True)
