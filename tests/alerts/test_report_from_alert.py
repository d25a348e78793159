"""Residents report an incident straight from an alert; the report remembers it and the sender sees it."""

import pytest
from django.urls import reverse

from binhan.reports.models import Category, Report


@pytest.fixture
def theft(db):
    return Category.objects.get(code="theft", province=None)


def report_form(theft, group, **extra):
    return {"category": theft.pk, "description": "Thấy người lạ dắt xe máy ra khỏi ngõ", "group": group.pk,
            "anonymous": "on", **extra}


def test_the_alert_page_links_to_the_report_form_which_names_the_alert(people, send_alert, login, client):
    alert = send_alert(people.police_a, [people.group_a])
    login(people.resident_a)
    page = client.get(reverse("alerts:inbox_alert", args=[alert.pk])).content.decode()
    link = f'{reverse("reports:new")}?origin=alert:{alert.pk}'
    form = client.get(link).content.decode()
    assert (link in page, "You are reporting about: Theft warning" in form,
            f'name="origin" value="alert:{alert.pk}"' in form) == (True, True, True)


def test_a_report_from_an_alert_is_linked_and_listed_for_the_sender(people, send_alert, login, client, theft):
    alert = send_alert(people.police_a, [people.group_a])
    login(people.resident_a)
    response = client.post(reverse("reports:new"), report_form(theft, people.group_a, origin=f"alert:{alert.pk}"))
    report = Report.objects.get()
    assert (response.status_code, report.origin) == (302, f"alert:{alert.pk}")
    login(people.police_a)
    detail = client.get(reverse("alerts:detail", args=[alert.pk])).content.decode()
    assert report.reference in detail


@pytest.mark.parametrize("origin", ["alert:{other}", "alert:999999", "alert:x", "household:1", "alert:{pk}; DROP"])
def test_an_origin_the_resident_may_not_use_is_dropped(people, send_alert, login, client, theft, origin):
    alert = send_alert(people.police_a, [people.group_a])
    other = send_alert(people.police_b, [people.group_b])
    login(people.resident_a)
    response = client.post(reverse("reports:new"), report_form(
        theft, people.group_a, origin=origin.format(pk=alert.pk, other=other.pk)))
    assert (response.status_code, Report.objects.get().origin) == (302, "")


def test_an_anonymous_visitor_cannot_claim_an_alert(people, send_alert, client, theft):
    alert = send_alert(people.police_a, [people.group_a])
    response = client.post(reverse("reports:new"), report_form(theft, people.group_a, origin=f"alert:{alert.pk}"))
    assert (response.status_code, Report.objects.get().origin) == (302, "")


def test_staff_of_another_commune_do_not_see_the_reports_from_an_alert(people, send_alert, login, client, theft):
    alert = send_alert(people.province_leader, [people.group_a, people.group_b])
    login(people.resident_b)
    client.post(reverse("reports:new"), report_form(theft, people.group_b, origin=f"alert:{alert.pk}"))
    reference = Report.objects.get().reference
    login(people.police_a)
    page = client.get(reverse("alerts:detail", args=[alert.pk]))
    assert (page.status_code, reference in page.content.decode()) == (200, False)
