"""Exports of the reports queue: CSV and XLSX, filtered and scoped, streamed, audited, safe in a spreadsheet."""

import csv
import io
from datetime import UTC, datetime

import openpyxl
import pytest
from asgiref.sync import async_to_sync
from django.test import AsyncClient
from django.urls import reverse
from django.utils import translation

from binhan.core.models import AuditEvent
from binhan.reports import exports
from binhan.reports.models import Report
from tests.factories import make_report

pytestmark = pytest.mark.django_db

HEADER = ["Reference", "Reported at", "Category", "Status", "Priority", "Residential group", "Commune", "Address",
          "Latitude", "Longitude", "Assigned officer", "Assigned team", "Response due", "Closed at",
          "What happened"]


@pytest.fixture
def reports(world):
    """Two reports in commune A (one with text that would run as a formula), one in commune B."""
    world.police_a.first_name, world.police_a.last_name = "Trần Văn", "Hùng"
    world.police_a.save()
    first = make_report(
        unit=world.group_a, category_code="theft", description="=HYPERLINK(\"http://evil\",\"click\")",
        address="@SUM(A1)", lat=20.951234, lon=107.061234, created_at=datetime(2025, 1, 31, 17, 30, tzinfo=UTC),
        reporter_name="Nguyễn Bí Mật", reporter_phone="0911222333", reporter_email="secret@example.org",
        status="resolved", closed_at=datetime(2025, 2, 2, 3, 0, tzinfo=UTC),
        assigned_to=world.police_a, assigned_team="police",
    )
    second = make_report(
        unit=world.group_a, category_code="fire", description="Khói bốc lên từ kho", address="-5 Ngõ Chợ",
        created_at=datetime(2025, 3, 1, 1, 0, tzinfo=UTC),
    )
    other = make_report(unit=world.group_b, category_code="drugs", description="Tụ tập ban đêm",
                        created_at=datetime(2025, 2, 1, 1, 0, tzinfo=UTC))
    return {"first": first, "second": second, "other": other}


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def naive(*parts: int) -> datetime:
    """A wall-clock time as a spreadsheet holds it: local, without a zone."""
    return datetime(*parts, tzinfo=UTC).replace(tzinfo=None)


def xlsx_rows(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]


def test_csv_of_the_officers_commune(client, login, world, reports):
    login(world.police_a)
    response = client.get(reverse("reports_export:csv"))
    first, second = reports["first"], reports["second"]
    assert (response.status_code, response["Content-Type"], response.streaming) == (
        200, "text/csv; charset=utf-8", True)
    assert response["Content-Disposition"].startswith('attachment; filename="reports-')
    assert csv_rows(response) == [
        HEADER,
        [second.reference, "2025-03-01 08:00", "Fire or fire risk", "New", "Urgent", "Tổ dân phố 1",
         "Phường An Sinh", "'-5 Ngõ Chợ", "", "", "", "", second.due_at.astimezone(_zone()).strftime("%Y-%m-%d %H:%M"),
         "", "Khói bốc lên từ kho"],
        [first.reference, "2025-02-01 00:30", "Theft", "Resolved", "High", "Tổ dân phố 1", "Phường An Sinh",
         "'@SUM(A1)", "20.951234", "107.061234", "Trần Văn Hùng", "Commune police", "2025-02-01 04:30",
         "2025-02-02 10:00", "'=HYPERLINK(\"http://evil\",\"click\")"],
    ]


def _zone():
    from django.utils import timezone

    return timezone.get_current_timezone()


def test_csv_never_carries_the_reporter(client, login, world, reports):
    login(world.province_leader)
    body = b"".join(client.get(reverse("reports_export:csv")).streaming_content).decode("utf-8-sig")
    assert ("Nguyễn Bí Mật" in body, "0911222333" in body, "secret@example.org" in body) == (False, False, False)


@pytest.mark.parametrize(("name", "expected"), [("police_a", ["second", "first"]), ("police_b", ["other"]),
                                                ("province_leader", ["second", "other", "first"])])
def test_csv_is_scoped(client, login, world, reports, name, expected):
    login(getattr(world, name))
    rows = csv_rows(client.get(reverse("reports_export:csv")))
    assert [row[0] for row in rows[1:]] == [reports[key].reference for key in expected]


def test_csv_follows_the_queue_filters_and_is_audited(client, login, world, reports):
    login(world.police_a)
    rows = csv_rows(client.get(reverse("reports_export:csv") + "?status=resolved&sort=oldest"))
    assert [row[0] for row in rows[1:]] == [reports["first"].reference]
    event = AuditEvent.objects.get(action="report.export")
    assert (event.actor, event.object_type, event.unit_path, event.changes) == (
        world.police_a, "reports.report", world.commune_a.path,
        {"format": "csv", "filters": {"statuses": ["resolved"]}})


def test_export_with_a_unit_filter_is_audited_at_that_unit(client, login, world, reports):
    login(world.province_leader)
    rows = csv_rows(client.get(reverse("reports_export:csv") + f"?unit={world.group_b.code}"))
    assert [row[0] for row in rows[1:]] == [reports["other"].reference]
    event = AuditEvent.objects.get(action="report.export")
    assert (event.unit_path, event.changes) == (
        world.group_b.path, {"format": "csv", "filters": {"unit_path": world.group_b.path}})


@pytest.mark.parametrize("url", ["reports_export:csv", "reports_export:xlsx"])
@pytest.mark.parametrize("query", ["?status=lost", "?unit=NOPE", "?since=2025-02-01&until=2025-01-01", "?age=2"])
def test_bad_filters_are_400_and_nothing_is_exported(client, login, world, reports, url, query):
    login(world.police_a)
    response = client.get(reverse(url) + query)
    assert (response.status_code, "The filters are not valid" in response.content.decode()) == (400, True)
    assert AuditEvent.objects.filter(action="report.export").count() == 0


@pytest.mark.parametrize("url", ["reports_export:csv", "reports_export:xlsx"])
@pytest.mark.parametrize("name", ["resident_a", "auditor_a", "group_leader_a", "outsider"])
def test_only_report_handlers_export(client, login, world, reports, url, name):
    login(getattr(world, name))
    assert client.get(reverse(url)).status_code == 403
    assert AuditEvent.objects.filter(action="report.export").count() == 0


@pytest.mark.parametrize("url", ["reports_export:csv", "reports_export:xlsx"])
def test_anonymous_goes_to_login(client, world, url):
    response = client.get(reverse(url))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))


def test_csv_query_count_is_pinned(client, login, world, reports, django_assert_num_queries):
    login(world.police_a)
    # session, user, the rate-limit count, roles, scope paths, the actor's unit for the audit row, the audit
    # row, the reports
    with django_assert_num_queries(8):
        rows = csv_rows(client.get(reverse("reports_export:csv")))
    assert len(rows) == 3


def test_xlsx_opens_in_a_spreadsheet(client, login, world, reports):
    login(world.police_a)
    response = client.get(reverse("reports_export:xlsx"))
    assert (response.status_code, response["Content-Type"]) == (
        200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert response["Content-Disposition"].startswith('attachment; filename="reports-')
    content = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(content)
    rows = xlsx_rows(content)
    first = reports["first"]
    assert rows[0] == tuple(HEADER)
    assert [row[0] for row in rows[1:]] == [reports["second"].reference, first.reference]
    assert rows[2] == (
        first.reference, naive(2025, 2, 1, 0, 30), "Theft", "Resolved", "High", "Tổ dân phố 1",
        "Phường An Sinh", "@SUM(A1)", 20.951234, 107.061234, "Trần Văn Hùng", "Commune police",
        naive(2025, 2, 1, 4, 30), naive(2025, 2, 2, 10, 0), "=HYPERLINK(\"http://evil\",\"click\")",
    )


def test_xlsx_keeps_formulas_as_text(client, login, world, reports):
    login(world.police_a)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(client.get(reverse("reports_export:xlsx"))
                                                         .streaming_content))).active
    description = sheet.cell(row=3, column=15)
    assert (description.value, description.data_type) == ("=HYPERLINK(\"http://evil\",\"click\")", "s")
    assert [cell.data_type for cell in sheet[3]].count("f") == 0


def test_xlsx_is_scoped_filtered_and_audited_with_its_row_count(client, login, world, reports):
    login(world.province_leader)
    rows = xlsx_rows(b"".join(client.get(reverse("reports_export:xlsx") + "?category="
                                         + str(reports["other"].category_id)).streaming_content))
    assert [row[0] for row in rows[1:]] == [reports["other"].reference]
    event = AuditEvent.objects.get(action="report.export")
    assert event.changes == {"format": "xlsx", "filters": {"categories": [reports["other"].category_id]},
                             "rows": 1}


def test_xlsx_drops_characters_a_workbook_cannot_hold(client, login, world):
    make_report(unit=world.group_a, description="Bell\x07 and escape\x1b here")
    login(world.police_a)
    rows = xlsx_rows(b"".join(client.get(reverse("reports_export:xlsx")).streaming_content))
    assert rows[1][14] == "Bell and escape here"


def test_names_follow_the_language_of_the_request_while_the_rows_stream(client, login, world, reports):
    login(world.police_a)
    response = client.get(reverse("reports_export:csv"), HTTP_ACCEPT_LANGUAGE="vi")
    with translation.override("en"):  # the rows are read after the view returned, in another language
        rows = csv_rows(response)
    assert [row[2] for row in rows[1:]] == ["Cháy, nguy cơ cháy", "Trộm cắp tài sản"]


def test_formula_safe():
    assert [exports.formula_safe(value) for value in ["=1+2", "+1", "-1", "@x", "\tx", "\rx", "a=b", ""]] == [
        "'=1+2", "'+1", "'-1", "'@x", "'\tx", "'\rx", "a=b", ""]


def test_rows_read_in_chunks_stay_exact_past_a_chunk(world, monkeypatch):
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    for number in range(7):
        make_report(unit=world.group_a, description=f"Số {number}")
    lines = list(exports.rows(exports.export_queryset(viewer=world.police_a, filters=_filters())))
    assert [line[14] for line in lines] == [f"Số {number}" for number in reversed(range(7))]


def _filters():
    from binhan.reports.selectors import QueueFilters

    return QueueFilters()


def test_under_asgi_the_csv_streams_without_being_read_whole_first(world, reports):
    async def fetch():
        client = AsyncClient(HTTP_ACCEPT_LANGUAGE="en")
        await client.aforce_login(world.police_a, backend="binhan.accounts.backends.UsernamePhoneOrEmailBackend")
        response = await client.get(reverse("reports_export:csv"))
        return response, b"".join([chunk async for chunk in response])

    response, content = async_to_sync(fetch)()
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert (response.is_async, [row[0] for row in rows[1:]]) == (
        True, [reports["second"].reference, reports["first"].reference])


def test_under_asgi_the_xlsx_streams_from_its_file(world, reports):
    async def fetch():
        client = AsyncClient(HTTP_ACCEPT_LANGUAGE="en")
        await client.aforce_login(world.police_a, backend="binhan.accounts.backends.UsernamePhoneOrEmailBackend")
        response = await client.get(reverse("reports_export:xlsx"))
        return response, b"".join([chunk async for chunk in response])

    response, content = async_to_sync(fetch)()
    assert (response.is_async, int(response["Content-Length"]), len(xlsx_rows(content))) == (
        True, len(content), 3)
    assert Report.objects.count() == 3
