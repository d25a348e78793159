"""The five-year review: five assessment years (1 Nov – 31 Oct) against the five before, on a small hand-built
data set over ten assessment years; PDF, XLSX and the page to print; Persian; bad parameters; scoping."""

import datetime as dt
import io
import re
import zlib

import pytest
from django.test import Client
from django.urls import reverse

from binhan.accounts.roles import Role
from binhan.geo.models import Level
from binhan.reports.models import Status
from binhan.stats import engine, periods, services
from tests.factories import UnitFactory, UserFactory, grant
from tests.stats.conftest import at, report

D = dt.date
REVIEW = "?period=five_year&year=2026&indicator=manual.criminal_offences"
YEARS = ["2016–2017", "2017–2018", "2018–2019", "2019–2020", "2020–2021",
         "2021–2022", "2022–2023", "2023–2024", "2024–2025", "2025–2026"]
# Criminal offences per assessment year (entered in March of the year that ends on 31 October), 2017 to 2026:
# the commune's 41 in the five years before against 34 in the five reviewed is the documents' "down 17.1%".
OFFENCES_A = [9, 8, 8, 8, 8, 7, 7, 7, 7, 6]
OFFENCES_B = {2019: 5, 2024: 10}


def _offences(world, unit, year, value):
    entry = services.manual_submit(actor=world.police_a if unit == world.commune_a else world.police_b, unit=unit,
                                   indicator="manual.criminal_offences", month=D(year, 3, 1), value=value)
    services.manual_review(actor=world.province_leader, entry=entry, approve=True)


@pytest.fixture
def data(world):
    for year, value in zip(range(2017, 2027), OFFENCES_A, strict=True):
        _offences(world, world.commune_a, year, value)
    for year, value in OFFENCES_B.items():
        _offences(world, world.commune_b, year, value)
    # Reports at the edges of the assessment years: 31 October belongs to the year ending that day.
    report(world.group_a, made=at(D(2018, 5, 10)), status=Status.RESOLVED, closed=at(D(2018, 5, 10), 15))
    report(world.group_a, made=at(D(2021, 10, 31), 23, 30))
    report(world.group_a, made=at(D(2021, 11, 1), 0, 10))
    report(world.group_a, made=at(D(2024, 2, 2)), category="fire")
    report(world.group_a, made=at(D(2026, 10, 31), 12))
    report(world.group_b, made=at(D(2016, 10, 31)))  # the year before the ten: only for the first year's change
    report(world.group_b, made=at(D(2023, 6, 1)), status=Status.RESOLVED, closed=at(D(2023, 6, 1), 18))
    engine.follow_all()
    return world


@pytest.mark.parametrize(("date", "year", "start", "end", "previous"), [
    (None, "2026", D(2021, 11, 1), D(2026, 10, 31), (D(2016, 11, 1), D(2021, 10, 31))),
    ("2026-10-31", None, D(2021, 11, 1), D(2026, 10, 31), (D(2016, 11, 1), D(2021, 10, 31))),
    # 1 November starts the next assessment year, so the next five.
    ("2025-11-01", None, D(2021, 11, 1), D(2026, 10, 31), (D(2016, 11, 1), D(2021, 10, 31))),
    ("2025", None, D(2020, 11, 1), D(2025, 10, 31), (D(2015, 11, 1), D(2020, 10, 31))),
])
def test_five_year_period_and_the_five_before(date, year, start, end, previous):
    period = periods.parse("five_year", date, year=year)
    assert ((period.start, period.end), (period.previous().start, period.previous().end), period.query(),
            periods.parse("five_year", year=period.ref) == period) == (
        (start, end), previous, f"period=five_year&year={end.year}", True)


@pytest.mark.parametrize("year", [2026, periods.latest_five_year()])
def test_the_forms_day_names_the_same_five_years(year):
    period = periods.five_years(year)
    assert periods.parse("five_year", period.anchor.isoformat()) == period


def test_five_year_splits_into_assessment_years():
    years = periods.assessment_years(periods.five_years(2026))
    assert [(y.start, y.end) for y in years] == [(D(y - 1, 11, 1), D(y, 10, 31)) for y in range(2022, 2027)]


@pytest.mark.parametrize("year", ["abc", "", "1999", "20261", "26", str(periods.latest_five_year() + 1)])
def test_bad_year_is_refused(year):
    with pytest.raises(periods.ServiceError) as error:
        periods.parse("five_year", year=year)
    assert (error.value.field, "five-year review" in error.value.message) == ("year", True)


def test_review_figures_per_year_children_and_breakdown(client, login, data):
    login(data.province_leader)
    response = client.get(reverse("stats:report", args=[data.province.pk, "html"]) + REVIEW)
    context = response.context
    figures = {f.indicator.code: (f.value, f.previous, f.change) for f in context["figures"]}
    assert (figures["manual.criminal_offences"], figures["reports.received"], figures["reports.resolved"]) == (
        (44, 46, -4.3), (4, 2, 100.0), (1, 1, 0.0))
    years = {item.code: values for _domain, item, values in context["year_rows"]}
    assert context["year_labels"] == YEARS
    assert years["manual.criminal_offences"] == [9, 8, 13, 8, 8, 7, 7, 17, 7, 6]
    assert years["reports.received"] == [0, 1, 0, 0, 1, 1, 1, 1, 0, 1]
    # Each year against the one before; the first against 2015–2016 (one report), none after a year of nothing.
    assert years["reports.received_change"] == [-100.0, None, -100.0, None, None, 0.0, 0.0, 0.0, -100.0, None]
    assert [(kid.code, values["manual.criminal_offences"], before, change)
            for kid, values, before, change in context["children_rows"]] == [
        ("7090", 34, 41, -17.1), ("7093", 10, 5, 100.0)]
    received = next(rows for figure, rows in context["breakdown_tables"] if figure.indicator.code == "reports.received")
    assert received == [("Theft", 3, 2, 50.0), ("Fire or fire risk", 1, 0, None)]
    chart = {line["name"]: [value for _x, _y, value, _label in line["points"]] for line in context["year_line"]["lines"]}
    assert chart == {"2016–2021 (five assessment years)": [9, 8, 13, 8, 8],
                     "2021–2026 (five assessment years)": [7, 7, 17, 7, 6]}


def test_review_of_a_commune_is_the_documents_down_17_1_percent(client, login, data):
    login(data.police_a)
    response = client.get(reverse("stats:report", args=[data.commune_a.pk, "html"]) + REVIEW)
    figures = {f.indicator.code: (f.value, f.previous, f.change) for f in response.context["figures"]}
    body = response.content.decode()
    assert (figures["manual.criminal_offences"], figures["reports.received"]) == ((34, 41, -17.1), (3, 2, 50.0))
    assert ("Five-year review of Phường An Sinh" in body, "−17.1" in body) == (True, True)


def test_review_as_xlsx(client, login, data):
    from openpyxl import load_workbook

    login(data.province_leader)
    response = client.get(reverse("stats:report", args=[data.province.pk, "xlsx"]) + REVIEW)
    book = load_workbook(io.BytesIO(response.content))
    figures = {row[0]: row[2:] for row in book["Figures"].iter_rows(min_row=3, values_only=True)}
    per_year = {row[1]: row[4:] for row in book["Per year"].iter_rows(min_row=2, values_only=True)}
    children = [row[:5] for row in book["Units below"].iter_rows(min_row=2, values_only=True)]
    assert (response["Content-Disposition"], book.sheetnames) == (
        'attachment; filename="22-2021-11-01-2026-10-31.xlsx"',
        ["Figures", "Per year", "Breakdowns", "Units below", "Trend"])
    assert (figures["Criminal offences"], per_year["manual.criminal_offences"]) == (
        (44, 46, -4.3), (9, 8, 13, 8, 8, 7, 7, 17, 7, 6))
    assert children == [("7090", "Phường An Sinh", 34, 41, -17.1), ("7093", "Phường Đông Triều", 10, 5, 100)]
    # The monthly trend over the five years: 60 months from November 2021.
    assert book["Trend"].max_row - 1 == 60


def test_review_as_pdf(client, login, data):
    login(data.province_leader)
    response = client.get(reverse("stats:report", args=[data.province.pk, "pdf"]) + REVIEW)
    assert (response.status_code, response["Content-Type"], response.content[:4]) == (200, "application/pdf", b"%PDF")


@pytest.fixture
def persian(data):
    client = Client(HTTP_ACCEPT_LANGUAGE="fa")
    client.cookies["binhan_language"] = "fa"
    client.force_login(data.province_leader, backend="binhan.accounts.backends.UsernamePhoneOrEmailBackend")
    return client


def test_review_in_persian_reads_right_to_left(persian, data):
    from openpyxl import load_workbook

    html = persian.get(reverse("stats:report", args=[data.province.pk, "html"]) + REVIEW).content.decode()
    book = load_workbook(io.BytesIO(persian.get(reverse("stats:report", args=[data.province.pk, "xlsx"]) + REVIEW)
                                    .content))
    pdf = persian.get(reverse("stats:report", args=[data.province.pk, "pdf"]) + REVIEW)
    assert ('<html lang="fa" dir="rtl">' in html, "ارقام اصلی" in html, "جرائم کیفری" in html) == (True, True, True)
    assert (book.sheetnames[0], all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)) == ("ارقام", True)
    assert (pdf.status_code, pdf.content[:4], b"/Lang (fa)" in _pdf_objects(pdf.content)) == (200, b"%PDF", True)


def _pdf_objects(content: bytes) -> bytes:
    """The PDF with its compressed streams (where WeasyPrint keeps the catalogue) inflated."""
    inflated = [content]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", content, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"".join(inflated)


@pytest.mark.parametrize("query", [
    "?period=five_year&year=abc", "?period=five_year&year=1999", "?period=five_year&year=",
    "?period=five_year&year=2026&indicator=nope", "?period=five_year&date=2026-13-01",
])
def test_bad_review_parameters_are_400(client, login, data, query):
    login(data.province_leader)
    url = reverse("stats:report", args=[data.province.pk, "pdf"]) + query
    response = client.get(url)
    assert (response.status_code, response["Content-Type"].startswith("text/html")) == (400, True)


def test_a_year_still_to_come_is_400_with_the_years_allowed(client, login, data):
    login(data.province_leader)
    last = periods.latest_five_year()
    response = client.get(reverse("stats:report", args=[data.province.pk, "xlsx"]) + f"?period=five_year&year={last + 1}")
    assert (response.status_code, f"from 2000 to {last}" in response.content.decode()) == (400, True)


@pytest.fixture
def other_province_leader(data):
    other = UnitFactory(code="01", name="Hà Nội", level=Level.PROVINCE, parent=data.nation)
    leader = UserFactory(username="ha-noi-leader")
    grant(leader, other, Role.PROVINCE_LEADER)
    return leader


@pytest.mark.parametrize("kind", ["pdf", "xlsx", "html"])
def test_another_provinces_leader_cannot_read_the_review(client, login, data, other_province_leader, kind):
    login(other_province_leader)
    assert client.get(reverse("stats:report", args=[data.province.pk, kind]) + REVIEW).status_code == 404


@pytest.mark.parametrize(("name", "status"), [("resident_a", 403), ("police_b", 404), ("police_a", 200)])
def test_review_of_a_commune_is_scoped(client, login, data, name, status):
    login(getattr(data, name))
    assert client.get(reverse("stats:report", args=[data.commune_a.pk, "xlsx"]) + REVIEW).status_code == status


def test_review_queries_are_pinned(client, login, data, django_assert_num_queries):
    login(data.province_leader)
    url = reverse("stats:report", args=[data.province.pk, "xlsx"]) + REVIEW
    client.get(url)
    # session, user, roles, scope paths, unit, figures (every indicator, both five-year periods), report
    # categories (labels), child units, their map places, child facts (both periods in one query), trend,
    # breadcrumb, and the ten years (every indicator, one query): the dashboard's twelve and one
    with django_assert_num_queries(13):
        client.get(url)


def test_dashboard_shows_five_years_against_the_five_before(client, login, data):
    login(data.province_leader)
    response = client.get(reverse("stats:dashboard", args=[data.province.pk]) + REVIEW)
    figures = {f.indicator.code: (f.value, f.previous) for f in response.context["figures"]}
    body = response.content.decode()
    assert (figures["manual.criminal_offences"], response.context["prev_query"].split("&indicator")[0]) == (
        (44, 46), "period=five_year&year=2021")
    assert ('data-review-form' in body, response.context["review_year"],
            reverse("stats:report", args=[data.province.pk, "pdf"]) in body) == (True, 2026, True)
    # Another period suggests the review ending with its assessment year (March 2019: the year to 31 Oct 2019),
    # and the current period the last finished year, not the one under way.
    suggested = [client.get(reverse("stats:dashboard", args=[data.province.pk]) + query).context["review_year"]
                 for query in ("?period=month&date=2019-03-01", "?period=day")]
    assert suggested == [2019, periods.latest_five_year() - 1]


def test_compare_page_offers_five_years_against_the_five_before(client, login, data):
    login(data.province_leader)
    response = client.get(reverse("stats:compare") + f"?units={data.commune_a.pk}&a_period=five_year&a_year=2026")
    rows = {item.code: (a, b, change) for item, a, b, change in response.context["period_rows"]}
    assert ((response.context["a"].label, response.context["b"].label), rows["manual.criminal_offences"]) == (
        ("2021–2026 (five assessment years)", "2016–2021 (five assessment years)"), (34, 41, -17.1))
    assert reverse("stats:report", args=[data.commune_a.pk, "xlsx"]) in response.content.decode()


def test_api_figures_for_five_years(client, data, token_for):
    headers = token_for(data.province_leader)
    base = f"/api/v1/stats/units/{data.province.pk}/figures?indicator=manual.criminal_offences&period=five_year"
    body = client.get(base + "&year=2026", **headers).json()
    assert (body["period"], body["previous_period"], body["figures"][0]["change_percent"]) == (
        {"kind": "five_year", "start": "2021-11-01", "end": "2026-10-31"},
        {"kind": "five_year", "start": "2016-11-01", "end": "2021-10-31"}, -4.3)
    bad = client.get(base + "&year=1800", **headers)
    assert (bad.status_code, "detail" in bad.json()) == (400, True)


def test_next_five_years_only_up_to_the_year_under_way(client, login, data):
    login(data.province_leader)
    url = reverse("stats:dashboard", args=[data.province.pk]) + "?period=five_year&year="
    following = [client.get(url + str(year)).context["next_query"] for year in (2016, periods.latest_five_year())]
    assert following == ["period=five_year&year=2021&indicator=reports.received", None]
