"""Dashboard, CSV, comparison, public page: permissions, figures shown, pinned queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse

from binhan.reports.models import Status
from binhan.stats import engine
from tests.stats.conftest import at, report

NOV = dt.date(2026, 11, 1)
QUERY = "?period=month&date=2026-11-01"


@pytest.fixture
def data(world):
    for day in range(6):
        report(world.group_a, made=at(NOV + dt.timedelta(days=day)), status=Status.RESOLVED if day < 3 else Status.NEW,
               closed=at(NOV + dt.timedelta(days=day)) if day < 3 else None, ack_minutes=30)
    report(world.group_b, made=at(NOV), category="fire")
    engine.follow_all()
    return world


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("auditor_a", 403), ("police_b", 404), ("police_a", 200), ("leader_a", 200),
    ("province_leader", 200), ("group_leader_a", 404),
])
def test_dashboard_permissions(client, login, data, name, status):
    login(getattr(data, name))
    assert client.get(reverse("stats:dashboard", args=[data.commune_a.pk]) + QUERY).status_code == status


def test_dashboard_anonymous_goes_to_login(client, data):
    response = client.get(reverse("stats:dashboard", args=[data.commune_a.pk]))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))


def test_province_dashboard_shows_figures_children_and_map(client, login, data):
    data.commune_a.centre_lat, data.commune_a.centre_lon = 21.0, 107.0
    data.commune_a.save()
    login(data.province_leader)
    response = client.get(reverse("stats:dashboard", args=[data.province.pk]) + QUERY)
    body = response.content.decode()
    figures = {f.indicator.code: (f.value, f.previous) for f in response.context["figures"]}
    assert (figures["reports.received"], figures["reports.resolved"], figures["reports.clearance_rate"]) == (
        (7, 0), (3, 0), (42.9, None))
    assert [(kid.code, values["reports.received"]) for kid, values in response.context["children"]] == [
        ("7090", 6), ("7093", 1)]
    assert 'data-unit="7090"' in body and reverse("stats:dashboard", args=[data.commune_a.pk]) in body


def test_dashboard_queries_are_pinned(client, login, data, django_assert_num_queries):
    login(data.province_leader)
    url = reverse("stats:dashboard", args=[data.province.pk]) + QUERY
    client.get(url)
    # session, user, roles (navigation), scope paths, unit, figures (one query for every indicator and both
    # periods), report categories (labels), child units, their map places (the communes have no centre),
    # child facts, trend, breadcrumb
    with django_assert_num_queries(12):
        client.get(url)


def test_bad_period_is_400(client, login, data):
    login(data.police_a)
    url = reverse("stats:dashboard", args=[data.commune_a.pk])
    assert [client.get(url + q).status_code for q in ("?period=decade", "?period=month&date=2026-13-01",
                                                      "?period=range&start=2026-11-05&end=2026-11-01",
                                                      "?indicator=nope")] == [400, 400, 400, 400]


@pytest.mark.parametrize("table", ["figures", "breakdown", "children", "trend"])
def test_every_table_downloads_as_csv(client, login, data, table):
    login(data.province_leader)
    response = client.get(reverse("stats:csv", args=[data.province.pk, table]) + QUERY)
    assert (response.status_code, response["Content-Type"].startswith("text/csv")) == (200, True)
    assert len(response.content.decode("utf-8-sig").splitlines()) > 1


def test_csv_of_another_commune_is_404(client, login, data):
    login(data.police_a)
    assert client.get(reverse("stats:csv", args=[data.commune_b.pk, "figures"])).status_code == 404


def test_compare_units_and_periods(client, login, data):
    login(data.province_leader)
    response = client.get(reverse("stats:compare") + f"?units={data.commune_a.pk}&units={data.commune_b.pk}"
                          "&period=month&date=2026-11-01&a_period=month&a_date=2026-11-01")
    rows = {item.code: values for item, values in response.context["unit_rows"]}
    periods = {item.code: (a, b) for item, a, b, _change in response.context["period_rows"]}
    assert (rows["reports.received"], periods["reports.received"]) == ([6, 1], (6, 0))


def test_compare_refuses_a_unit_outside_scope(client, login, data):
    login(data.police_a)
    assert client.get(reverse("stats:compare") + f"?units={data.commune_b.pk}").status_code == 404


def test_public_page_suppresses_small_counts(client, data):
    response = client.get(reverse("stats:public", args=[data.commune_a.code]) + QUERY)
    shown = {f.indicator.code: (f.value, f.suppressed) for f in response.context["figures"]}
    assert (shown["reports.received"], shown["reports.resolved"], shown["reports.clearance_rate"]) == (
        (6, False), (None, True), (None, True))
    other = client.get(reverse("stats:public", args=[data.commune_b.code]) + QUERY)
    assert {f.indicator.code: f.value for f in other.context["figures"]}["reports.received"] is None
    assert client.get(reverse("stats:public", args=[data.group_a.code])).status_code == 404


def test_periodic_report_as_xlsx_and_pdf(client, login, data):
    from openpyxl import load_workbook

    login(data.province_leader)
    xlsx = client.get(reverse("stats:report", args=[data.province.pk, "xlsx"]) + QUERY)
    book = load_workbook(io.BytesIO(xlsx.content))
    rows = {row[0]: row[2] for row in book.worksheets[0].iter_rows(min_row=3, values_only=True)}
    assert (book.sheetnames, rows["Reports received"]) == (["Figures", "Breakdowns", "Units below", "Trend"], 7)
    pdf = client.get(reverse("stats:report", args=[data.province.pk, "pdf"]) + "?period=year&date=2026-11-01")
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:4]) == (200, "application/pdf", b"%PDF")
    assert client.get(reverse("stats:report", args=[data.province.pk, "doc"])).status_code == 404


@pytest.mark.parametrize(("table", "row"), [("units", ["Reports received", "reports.received", "6", "1"]),
                                            ("periods", ["Reports received", "reports.received", "6", "0", ""])])
def test_compare_tables_download_as_csv(client, login, data, table, row):
    import csv

    login(data.province_leader)
    response = client.get(reverse("stats:compare") + f"?units={data.commune_a.pk}&units={data.commune_b.pk}"
                          f"&period=month&date=2026-11-01&a_period=month&a_date=2026-11-01&csv={table}")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (response["Content-Type"].startswith("text/csv"), next(r for r in rows if r[1] == "reports.received")) == (
        True, row)


def test_compare_queries_are_pinned(client, login, data, django_assert_num_queries):
    login(data.province_leader)
    url = reverse("stats:compare") + f"?units={data.commune_a.pk}&units={data.commune_b.pk}&period=month&date=2026-11-01"
    client.get(url)
    # session, user, roles, scope paths, the two units, units side by side (one query), period A, period B,
    # the unit choices
    with django_assert_num_queries(10):
        client.get(url)


def test_public_page_queries_are_pinned(client, data, django_assert_num_queries):
    url = reverse("stats:public", args=[data.commune_a.code]) + QUERY
    client.get(url)
    # no session for an anonymous reader: the unit, its public figures (one query)
    with django_assert_num_queries(2):
        client.get(url)
