"""Mediation pages: permission matrix, the case's way through the pages, printouts, the report panel, residents."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.core.models import AuditEvent
from binhan.mediation.models import Assignment, CaseStatus, MediationCase, Party, Session
from tests.factories import UnitFactory, earlier_today, make_report
from tests.mediation.conftest import make_case, make_mediator, make_team


def _person(world, teams, name):
    return getattr(world, name, None) or getattr(teams, name)


def _assigned(teams):
    case = make_case(teams.team_a, status=CaseStatus.ASSIGNED, assigned_on=timezone.localdate(),
                     start_deadline=timezone.localdate() + timedelta(days=3))
    Assignment.objects.create(case=case, mediator=teams.mediator_a, assigned_on=timezone.localdate())
    return case


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("auditor_a", 403), ("outsider", 403), ("mediator_user_b", 404), ("police_b", 404),
    ("other_user_a", 404), ("group_leader_a", 404), ("mediator_user_a", 200), ("leader_user_a", 200),
    ("police_a", 200), ("leader_a", 200),
])
def test_case_page_permissions(client, login, world, teams, name, status):
    case = _assigned(teams)
    login(_person(world, teams, name))
    response = client.get(reverse("mediation:case_detail", args=[case.pk]))
    assert response.status_code == status
    reads = AuditEvent.objects.filter(action="mediation.case.read", object_id=str(case.pk)).count()
    assert reads == (1 if status == 200 else 0)


@pytest.mark.parametrize("url", ["mediation:home", "mediation:team_list", "mediation:case_list",
                                 "mediation:summary", "mediation:my_requests", "mediation:request"])
def test_anonymous_goes_to_login(client, world, url):
    response = client.get(reverse(url))
    assert (response.status_code, response["Location"].split("?")[0]) == (302, reverse("accounts:login"))


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("police_b", 404), ("mediator_user_b", 404), ("mediator_user_a", 200), ("police_a", 200),
    ("province_leader", 200),
])
def test_team_page_permissions(client, login, world, teams, name, status):
    login(_person(world, teams, name))
    assert client.get(reverse("mediation:team_detail", args=[teams.team_a.pk])).status_code == status


@pytest.mark.parametrize(("name", "status"), [
    ("mediator_user_a", 403), ("police_b", 404), ("province_leader", 403), ("leader_user_a", 200), ("police_a", 200),
])
def test_log_book_permissions(client, login, world, teams, name, status):
    login(_person(world, teams, name))
    assert client.get(reverse("mediation:log_book", args=[teams.team_a.pk])).status_code == status


def test_team_page_shows_composition_warnings(client, login, world, teams):
    team = make_team(UnitFactory(code="7090-002", level="group", parent=world.commune_a), minority_area=True)
    make_mediator(team, "Hoàng Văn Một", position="leader")
    login(world.police_a)
    body = client.get(reverse("mediation:team_detail", args=[team.pk])).content.decode()
    assert "data-warnings" in body
    assert body.count("<li>The team") + body.count("<li>This area") == 3
    assert "data-warnings" not in client.get(reverse("mediation:team_detail", args=[teams.team_a.pk])).content.decode()


def test_team_list_query_count(client, login, world, teams, django_assert_num_queries):
    for number in range(20):
        team = make_team(UnitFactory(code=f"7090-3{number:02d}", level="group", parent=world.commune_a))
        make_mediator(team, "Người Một", position="leader")
        make_mediator(team, "Người Hai", gender="female")
    login(world.police_a)
    # session, user, roles (menu), scope paths, count, page (with the composition counts), manager scope (button)
    with django_assert_num_queries(7):
        response = client.get(reverse("mediation:team_list"))
    body = response.content.decode()
    assert (body.count('data-team="'), body.count("data-warning>")) == (21, 20)


def test_case_list_query_count_and_scope(client, login, world, teams, django_assert_num_queries):
    for _n in range(30):
        make_case(teams.team_a)
    make_case(teams.team_b)
    login(world.police_a)
    # session, user, roles (menu), supervisor scope, staff scope, count, page
    with django_assert_num_queries(7):
        response = client.get(reverse("mediation:case_list"))
    assert response.content.decode().count('data-case="') == 30
    login(teams.mediator_user_a)
    assert client.get(reverse("mediation:case_list")).content.decode().count('data-case="') == 0
    assert client.get(reverse("mediation:case_list") + "?year=abc").status_code == 400


def test_case_from_intake_to_outcome_through_the_pages(client, login, world, teams):
    login(teams.leader_user_a)
    form = {"source": "mediator", "dispute_type": "neighbour_land", "description": "Xây tường lấn đất",
            "received_on": timezone.localdate().isoformat(), "party1_name": "Nguyễn Văn Hùng", "party1_age": "52",
            "party2_name": "Trần Thị Lan", "party2_address": "Số 5 ngõ 5"}
    response = client.post(reverse("mediation:case_create") + f"?team={teams.team_a.pk}", form)
    case = MediationCase.objects.get()
    assert (response.status_code, case.status, case.parties.count()) == (302, CaseStatus.OPEN, 2)
    url = reverse("mediation:case_action", args=[case.pk, "assign"])
    assert client.post(url, {"mediators": [teams.mediator_a.pk]}).status_code == 302
    login(teams.mediator_user_a)
    held = earlier_today(1).strftime("%Y-%m-%dT%H:%M")
    response = client.post(reverse("mediation:case_action", args=[case.pk, "session"]),
                           {"held_at": held, "place": "Nhà văn hóa", "mediators": [teams.mediator_a.pk],
                            "requests": "Bên A đòi tháo tường"})
    assert response.status_code == 302
    response = client.post(reverse("mediation:case_action", args=[case.pk, "outcome"]),
                           {"outcome": "successful", "agreement": "Tháo tường trong 15 ngày",
                            "minutes_requested": "on"})
    case.refresh_from_db()
    assert (response.status_code, case.status, Session.objects.filter(case=case).count()) == (
        302, CaseStatus.SUCCESSFUL, 1)
    pdf = client.get(reverse("mediation:minutes_pdf", args=[case.pk]))
    assert (pdf.status_code, pdf["Content-Type"], pdf.content[:4]) == (200, "application/pdf", b"%PDF")
    assert AuditEvent.objects.filter(action="mediation.minutes.read").count() == 1


def test_bad_case_form_is_400_and_stores_nothing(client, login, world, teams):
    login(world.police_a)
    url = reverse("mediation:case_create") + f"?team={teams.team_a.pk}"
    excluded = {"source": "leader", "dispute_type": "other", "description": "Đánh nhau gây thương tích",
                "received_on": timezone.localdate().isoformat(), "party1_name": "A", "party2_name": "B",
                "exclusions": ["criminal"]}
    response = client.post(url, excluded)  # no referral body nor reason
    assert (response.status_code, MediationCase.objects.count(), Party.objects.count()) == (400, 0, 0)
    assert client.post(url, {**excluded, "party2_name": ""}).status_code == 400
    assert client.post(url, {**excluded, "received_on": "not a date"}).status_code == 400
    assert MediationCase.objects.count() == 0
    response = client.post(url, {**excluded, "referred_to": "Công an xã", "referral_reason": "Vụ việc hình sự"})
    assert (response.status_code, MediationCase.objects.get().status) == (302, CaseStatus.REFERRED)
    assert client.get(reverse("mediation:case_create") + "?team=x").status_code == 404
    assert client.get(reverse("mediation:case_create") + f"?team={teams.team_b.pk}").status_code == 404


def test_bad_action_is_400_and_unknown_action_404(client, login, world, teams):
    case = _assigned(teams)
    login(teams.mediator_user_a)
    response = client.post(reverse("mediation:case_action", args=[case.pk, "session"]),
                           {"held_at": "soon", "place": "", "mediators": []})
    assert response.status_code == 400
    assert client.post(reverse("mediation:case_action", args=[case.pk, "explode"])).status_code == 404
    response = client.post(reverse("mediation:case_action", args=[case.pk, "assign"]),
                           {"mediators": [teams.mediator_a.pk]})
    assert response.status_code == 400  # a plain mediator does not assign
    assert Session.objects.count() == 0


def test_log_book_pdf_and_xlsx(client, login, world, teams):
    make_case(teams.team_a, status=CaseStatus.SUCCESSFUL, agreement="=HYPERLINK(\"x\")")
    login(world.police_a)
    url = reverse("mediation:log_book", args=[teams.team_a.pk])
    page = client.get(url)
    assert page.content.decode().count('data-row="') == 1
    pdf = client.get(reverse("mediation:log_book_pdf", args=[teams.team_a.pk]))
    assert (pdf.status_code, pdf.content[:4]) == (200, b"%PDF")
    xlsx = client.get(reverse("mediation:log_book_xlsx", args=[teams.team_a.pk]))
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert (len(rows), rows[1][4], rows[1][6]) == (2, "Nguyễn Văn Hùng, 52 years old, Số 3 ngõ 5\n"
                                                      "Trần Thị Lan, 47 years old, Số 5 ngõ 5", '=HYPERLINK("x")')
    assert sheet.cell(row=2, column=7).data_type == "s"  # text, never a formula
    assert client.get(url + "?start=2025-05-01&end=2025-01-01").status_code == 400


def test_summary_page(client, login, world, teams):
    make_case(teams.team_a, status=CaseStatus.SUCCESSFUL)
    login(world.province_leader)
    body = client.get(reverse("mediation:summary")).content.decode()
    assert "data-received>1<" in body
    login(world.police_b)
    assert client.get(reverse("mediation:summary") + f"?unit={world.commune_a.code}").status_code == 404


def test_report_panel_lists_cases_and_offers_a_case(client, login, world, teams):
    report = make_report(unit=world.group_a, category_code="dispute-noise", description="Karaoke đến 1 giờ sáng")
    theft = make_report(unit=world.group_a)
    login(world.police_a)
    body = client.get(reverse("reports:manage", args=[report.pk])).content.decode()
    assert 'data-panel="mediation"' in body
    assert f"?report={report.pk}" in body
    assert 'data-panel="mediation"' not in client.get(reverse("reports:manage", args=[theft.pk])).content.decode()
    form = client.get(reverse("mediation:case_create") + f"?report={report.pk}")
    assert "Karaoke đến 1 giờ sáng" in form.content.decode()
    response = client.post(reverse("mediation:case_create") + f"?report={report.pk}", {
        "source": "report", "dispute_type": "noise_environment", "description": "Karaoke đến 1 giờ sáng",
        "received_on": timezone.localdate().isoformat(), "party1_name": "Người báo", "party2_name": "Nhà hàng xóm"})
    case = MediationCase.objects.get()
    assert (response.status_code, case.report, case.source) == (302, report, "report")
    body = client.get(reverse("reports:manage", args=[report.pk])).content.decode()
    assert case.reference in body


def test_resident_asks_and_follows_the_request(client, login, world, teams):
    login(world.resident_a)
    page = client.get(reverse("mediation:request"))
    assert teams.woman_a.full_name in page.content.decode()
    response = client.post(reverse("mediation:request"), {"dispute_type": "noise_environment",
                                                          "description": "Hàng xóm hát karaoke đến khuya",
                                                          "other_party": "Trần Văn Ồn"})
    case = MediationCase.objects.get()
    assert (response.status_code, case.requested_by, case.status) == (302, world.resident_a, CaseStatus.RECEIVED)
    assert f'data-request="{case.pk}"' in client.get(reverse("mediation:my_requests")).content.decode()
    assert client.post(reverse("mediation:request"), {"dispute_type": "war"}).status_code == 400
    assert client.get(reverse("mediation:case_detail", args=[case.pk])).status_code == 403


def test_mediator_personal_details_need_a_reason(client, login, world, teams):
    url = reverse("mediation:mediator_detail", args=[teams.mediator_a.pk])
    login(world.police_a)
    assert "0912345678" not in client.get(url).content.decode()
    assert client.post(url, {"purpose": ""}).status_code == 400
    response = client.post(url, {"purpose": "Liên hệ tập huấn"})
    assert "0912345678" in response.content.decode()
    login(teams.leader_user_a)
    assert client.post(url, {"purpose": "Tò mò"}).status_code == 403


def test_mediator_home_lists_sessions_cases_and_follow_ups(client, login, world, teams, django_assert_num_queries):
    case = _assigned(teams)
    Session.objects.create(case=case, unit_path=case.unit_path, held_at=timezone.now(), place="Nhà văn hóa")
    done = make_case(teams.team_a, status=CaseStatus.SUCCESSFUL, follow_up_on=timezone.localdate() + timedelta(days=3))
    Assignment.objects.create(case=done, mediator=teams.mediator_a, assigned_on=timezone.localdate())
    login(teams.mediator_user_a)
    # session, user, roles (menu), supervisor scope, staff scope, today's sessions, pending cases, follow-ups
    with django_assert_num_queries(8):
        body = client.get(reverse("mediation:home")).content.decode()
    assert (f'data-case="{case.pk}"' in body, f'data-follow-up="{done.pk}"' in body, "Nhà văn hóa" in body) == (
        True, True, True)
    login(teams.other_user_a)
    body = client.get(reverse("mediation:home")).content.decode()
    assert ('data-case="' in body, "data-follow-up" in body) == (False, False)


def test_case_documents_are_checked_served_in_scope_and_audited(client, login, world, teams, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from binhan.mediation.models import CaseDocument

    settings.MEDIA_ROOT = tmp_path
    case = _assigned(teams)
    url = reverse("mediation:case_action", args=[case.pk, "document"])
    login(teams.mediator_user_a)
    bad = SimpleUploadedFile("x.pdf", b"<script>alert(1)</script>", content_type="application/pdf")
    assert client.post(url, {"title": "Giấy vay tiền", "file": bad}).status_code == 400
    assert CaseDocument.objects.count() == 0
    pdf = SimpleUploadedFile("giay.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    assert client.post(url, {"title": "Giấy chứng nhận quyền sử dụng đất", "file": pdf}).status_code == 302
    document = CaseDocument.objects.get()
    file_url = reverse("mediation:document_file", args=[case.pk, document.pk])
    response = client.get(file_url)
    assert (response.status_code, response["Content-Type"], b"".join(response.streaming_content)) == (
        200, "application/pdf", b"%PDF-1.4\n%%EOF\n")
    assert AuditEvent.objects.filter(action="mediation.document.read").count() == 1
    login(teams.other_user_a)
    assert client.get(file_url).status_code == 404
    login(teams.mediator_user_b)
    assert client.post(url, {"title": "X", "file": SimpleUploadedFile("y.pdf", b"%PDF-1.4")}).status_code == 404


def test_mediator_create_page_links_an_account_or_says_none_has_that_name(client, login, world, teams):
    login(world.police_a)
    url = reverse("mediation:mediator_create", args=[teams.team_a.pk])
    before = teams.team_a.mediators.count()
    data = {"full_name": "Đỗ Thị Lan", "gender": "female", "position": "mediator",
            "appointed_on": timezone.localdate().isoformat(), "username": "nobody-by-this-name"}
    response = client.post(url, data)
    assert (response.status_code, "No account has this username." in response.content.decode()) == (400, True)
    assert teams.team_a.mediators.count() == before
    data["username"] = teams.mediator_user_a.username
    assert client.post(url, data).status_code == 302
    assert teams.team_a.mediators.get(full_name="Đỗ Thị Lan").user == teams.mediator_user_a
