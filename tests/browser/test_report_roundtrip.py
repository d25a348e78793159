"""A report goes round: a resident reports anonymously with a photo, the commune officer's open queue
shows it without reload, the officer acknowledges it, the resident's page shows the new status without reload.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.harness import artifact, csp_violations, sign_in, wait_until

pytestmark = pytest.mark.browser

# Init scripts are not subject to the CSP: they tell the test when htmx's SSE extension has opened its stream.
RECORD_SSE_OPEN = """
document.addEventListener("htmx:sseOpen", () => { window.__binhanSseOpen = true; });
"""

DESCRIPTION = "Chiều nay có người lấy trộm xe máy dựng trước cửa số 2 ngõ Hòa Bình, đi về phía chợ."

# What the policy forbids in the HTML the server sends: inline scripts, style elements and attributes, handlers.
INLINE_CODE = re.compile(
    r"<script\b(?![^>]*\bsrc\s*=)[^>]*>|<style\b[^>]*>|<[a-z][^>]*\sstyle\s*=[^>]*>|<[a-z][^>]*\son[a-z]+\s*=[^>]*>",
    re.IGNORECASE,
)


def inline_code(html: str) -> list[str]:
    """Inline scripts, styles and event handlers in a page as sent, with their line numbers."""
    return [f"line {html.count(chr(10), 0, match.start()) + 1}: {match.group(0)[:160]}"
            for match in INLINE_CODE.finditer(html)]


def mark(page, name: str) -> None:
    """A marker that only survives if the page is never reloaded or navigated away."""
    page.evaluate("name => { window.__binhanMarker = name; }", name)


def still_marked(page, name: str) -> bool:
    return page.evaluate("() => window.__binhanMarker") == name


def fits(page, width: int) -> bool:
    """Whether the page, at this viewport width, needs no sideways scrolling."""
    page.set_viewport_size({"width": width, "height": 844})
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def small_jpeg(path) -> str:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (160, 120), (40, 90, 140))
    ImageDraw.Draw(image).rectangle((40, 30, 120, 90), fill=(220, 180, 40))
    image.save(path, format="JPEG", quality=80)
    return str(path)


def test_anonymous_report_reaches_the_live_queue_and_its_acknowledgement_reaches_the_reporter(
        server, area, staff_user, new_page, console, tmp_path):
    sent_html: dict[str, str] = {}
    group_id = area["unit_ids"]["7090-002"]  # "Tổ dân phố 2" exists only in Phường An Sinh

    # --- The commune officer opens the open queue and leaves it there.
    officer_page = new_page(width=1280, height=800)
    officer_page.add_init_script(RECORD_SSE_OPEN)
    officer = staff_user("commune_police", "7090")
    sign_in(officer_page, server, officer["username"], officer["password"])
    response = officer_page.goto(server.url + "/reports/queue/")
    sent_html["queue"] = response.text()
    wait_until(officer_page, "() => window.__binhanSseOpen === true")
    mark(officer_page, "queue")
    officer_navigations: list[str] = []
    officer_page.on("framenavigated",
                    lambda frame: officer_navigations.append(frame.url) if frame == officer_page.main_frame else None)

    # --- The resident, not signed in, on a phone.
    resident = new_page(width=390, height=844)
    resident.add_init_script(RECORD_SSE_OPEN)
    response = resident.goto(server.url + "/reports/new/")
    sent_html["new"] = response.text()
    wait_until(resident, "() => document.documentElement.classList.contains('js')")
    # Leaflet loaded under the policy and made a map of the box.
    expect(resident.locator("#report-map.leaflet-container")).to_be_visible()

    resident.get_by_role("radio", name=re.compile("Trộm cắp tài sản")).check()
    # The category's extra questions come in through htmx.
    expect(resident.locator("#category-questions input[name=q_value]")).to_be_visible()
    resident.fill("textarea[name=description]", DESCRIPTION)

    # A pin on the map (groups here have no centre points, so the group below decides where the report goes).
    resident.locator("#report-map").scroll_into_view_if_needed()
    resident.locator("#report-map").click(position={"x": 180, "y": 120})
    expect(resident.locator("#report-map .leaflet-marker-icon")).to_have_count(1)
    assert resident.input_value("input[name=lat]") != ""
    assert resident.input_value("input[name=lon]") != ""

    resident.fill("#group_q", "Tổ dân phố 2")
    group_radio = resident.locator(f'#group-results input[name=group][value="{group_id}"]')
    group_radio.check()
    expect(group_radio).to_be_checked()

    resident.set_input_files("input[name=photos]", small_jpeg(tmp_path / "xe-may.jpg"))
    resident.check("input[name=anonymous]")
    expect(resident.locator("div[data-named-only]")).to_be_hidden()

    # Layout faults are gathered and checked at the end, so that they do not hide the round trip's result.
    too_wide = [f"report form at {width} px" for width in (390, 360) if not fits(resident, width)]
    assert resident.viewport_size["width"] == 360
    resident.screenshot(path=artifact("report-form-360.png"), full_page=True)
    resident.set_viewport_size({"width": 390, "height": 844})

    with resident.expect_navigation() as sent:
        resident.click("form.report-form button[type=submit]")
    sent_html["sent"] = sent.value.text()
    assert re.search(r"/reports/sent/\d+/$", resident.url), resident.url
    report_id = int(resident.url.rstrip("/").rsplit("/", 1)[1])
    reference = resident.locator("p.reference strong").inner_text()
    assert reference == f"R-{reference[2:6]}-{report_id:06d}"
    code = resident.locator("[data-followup-code]").inner_text().strip()
    assert len(code) >= 20
    follow_link = resident.locator(".followup-code a")
    assert follow_link.get_attribute("href").endswith(f"/reports/follow/{code}/")
    if not fits(resident, 390):
        too_wide.append("confirmation page at 390 px")
    resident.screenshot(path=artifact("report-sent.png"), full_page=True)

    # --- The officer's queue shows the report without a reload.
    row = officer_page.locator(f'tr[data-report-id="{report_id}"]')
    expect(row).to_be_visible(timeout=5_000)
    expect(row.locator("td[data-status]")).to_have_attribute("data-status", "new")
    expect(row).to_contain_text(reference)
    assert still_marked(officer_page, "queue"), "the queue page was reloaded"
    assert officer_navigations == [], f"the queue page navigated: {officer_navigations}"
    officer_page.screenshot(path=artifact("queue-live.png"), full_page=True)

    # --- The resident follows the report with the link; the page stays open.
    with resident.expect_navigation() as followed:
        follow_link.click()
    sent_html["follow"] = followed.value.text()
    status = resident.locator("[data-report-status]")
    expect(status).to_have_attribute("data-report-status", "new")
    wait_until(resident, "() => window.__binhanSseOpen === true")
    mark(resident, "follow")

    # --- The officer opens the report and acknowledges it.
    with officer_page.expect_navigation() as managed:
        row.locator("a").first.click()
    sent_html["manage"] = managed.value.text()
    assert officer_page.url == f"{server.url}/reports/{report_id}/manage/"
    expect(officer_page.locator("main")).to_contain_text(DESCRIPTION)
    photo = officer_page.locator("ul.media-list img").first
    expect(photo).to_be_visible()
    # The photo the resident attached is served to the officer (decode() fails on a broken image).
    assert photo.evaluate("img => img.decode().then(() => img.naturalWidth)") == 160
    officer_page.select_option("#id_to_status", "acknowledged")
    with officer_page.expect_navigation():
        officer_page.click("button[data-action=transition]")
    expect(officer_page.locator("#facts dd[data-status]")).to_have_attribute("data-status", "acknowledged")

    # --- The resident's page shows the new status without a reload.
    expect(resident.locator('[data-report-status="acknowledged"]')).to_be_visible(timeout=5_000)
    assert still_marked(resident, "follow"), "the follow-up page was reloaded"
    if not fits(resident, 390):
        too_wide.append("follow-up page at 390 px")
    resident.screenshot(path=artifact("follow-acknowledged.png"), full_page=True)

    # --- Nothing on these pages broke the policy or threw.
    inline = {name: found for name, html in sent_html.items() if (found := inline_code(html))}
    assert inline == {}, f"inline scripts or styles in the pages: {inline}"
    assert csp_violations(console) == []
    errors = [entry for entry in console if entry["type"] in {"error", "pageerror"}]
    assert errors == [], errors
    assert too_wide == [], f"pages that scroll sideways on a phone: {too_wide}"
