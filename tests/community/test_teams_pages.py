"""Team pages, the duty page, member records and the teams API: permissions, bad input, query counts."""

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.community.models import PatrolLog, SecurityTeam, TeamMember
from binhan.core.models import AuditEvent
from tests.community.conftest import make_member, make_team, years_ago
from tests.factories import HouseholdFactory, UnitFactory

TODAY = timezone.localdate


@pytest.mark.parametrize(("name", "status"), [
    ("resident_a", 403), ("auditor_a", 403), ("outsider", 403), ("police_b", 404), ("police_a", 200),
    ("group_leader_a", 200), ("security_user_a", 200), ("province_leader", 200),
])
def test_team_page_permissions(client, login, world, teams, name, status):
    user = getattr(teams, name, None) or getattr(world, name)
    login(user)
    assert client.get(reverse("community:team_detail", args=[teams.team_a.pk])).status_code == status


def test_member_page_hides_personal_data_until_a_reason_is_given(client, login, world, teams):
    login(world.police_a)
    url = reverse("community:member_detail", args=[teams.member_a.pk])
    body = client.get(url).content.decode()
    assert ("0912000111" in body, "Lê Văn An" in body) == (False, True)
    response = client.post(url, {"purpose": ""})
    assert response.status_code == 400
    body = client.post(url, {"purpose": "Gọi trực đêm"}).content.decode()
    assert ("0912000111" in body, "data-personal" in body) == (True, True)
    assert AuditEvent.objects.filter(action="community.member.read_personal").count() == 1


def test_members_of_the_team_cannot_reveal_or_change(client, login, teams):
    login(teams.security_user_a)
    url = reverse("community:member_detail", args=[teams.leader_a.pk])
    assert "0912000111" not in client.get(url).content.decode()
    assert client.post(url, {"purpose": "Tò mò"}).status_code == 403
    assert client.post(url, {"status": "left", "reason": "x"}).status_code == 403
    assert TeamMember.objects.get(pk=teams.leader_a.pk).status == "active"


def test_team_list_shows_size_against_the_rule(client, login, world, teams, django_assert_num_queries):
    HouseholdFactory.create_batch(3, unit=world.group_a, member_count=700)  # 2,100 people: four expected
    for number in range(20):
        group = UnitFactory(code=f"7090-2{number:02d}", level="group", parent=world.commune_a)
        team = make_team(group)
        for person in range(3):
            make_member(team, full_name=f"Thành viên {person}")
    login(world.police_a)
    # session, user, roles (menu), scope paths, province rules, default rule, count, page (with population,
    # members and expected size), manager scope (add button)
    with django_assert_num_queries(9):
        response = client.get(reverse("community:team_list"))
    assert response.content.decode().count('data-team="') == 21
    under = client.get(reverse("community:team_list") + "?size=under").content.decode()
    assert (under.count('data-team="'), f'data-team="{teams.team_a.pk}"' in under) == (1, True)
    assert client.get(reverse("community:team_list") + "?size=huge").status_code == 400


def test_team_create_page_bad_input(client, login, world):
    login(world.police_a)
    url = reverse("community:team_create")
    for data, message in [
        ({"unit": "NOPE", "established_on": "2024-01-01"}, "No unit has the code NOPE."),
        ({"unit": "7090", "established_on": "2024-01-01"}, "A security team covers residential groups or villages."),
        ({"unit": "7090-001", "established_on": "2999-01-01"}, "The date cannot be in the future."),
        ({"unit": "7090-001", "established_on": "not a date"}, "Enter a valid date."),
        ({"unit": "7090-001", "extra_units": "7093-001", "established_on": "2024-01-01"},
         "A team covers groups of one commune only."),
    ]:
        response = client.post(url, data)
        assert (response.status_code, message in response.content.decode()) == (400, True), data
    assert SecurityTeam.objects.count() == 0
    response = client.post(url, {"unit": "7090-001", "established_on": "2024-01-01"})
    assert response["Location"] == reverse("community:team_detail", args=[SecurityTeam.objects.get().pk])


def test_member_create_page(client, login, world, teams):
    login(world.police_a)
    url = reverse("community:member_create", args=[teams.team_a.pk])
    data = {"full_name": "Vũ Văn Cường", "date_of_birth": years_ago(17).isoformat(), "education": "higher",
            "resident_since": years_ago(3).isoformat(), "position": "member", "username": ""}
    response = client.post(url, data)
    assert (response.status_code, "at least 18 years old" in response.content.decode()) == (400, True)
    data.update(date_of_birth=years_ago(30).isoformat(), username="nobody")
    assert client.post(url, data).status_code == 400
    data.update(username="")
    assert client.post(url, data).status_code == 302
    assert teams.team_a.members.count() == 3
    login(world.group_leader_a)
    assert client.get(url).status_code == 403


def test_duty_page_start_and_end_a_patrol(client, login, teams):
    login(teams.security_user_a)
    body = client.get(reverse("community:duty")).content.decode()
    assert "data-start-patrol" in body
    response = client.post(reverse("community:patrol_start", args=[teams.team_a.pk]), {"kind": "patrol"})
    assert response.status_code == 302
    patrol = PatrolLog.objects.get()
    body = client.get(reverse("community:duty")).content.decode()
    assert f'data-patrol-open="{patrol.pk}"' in body
    response = client.post(reverse("community:patrol_end", args=[patrol.pk]), {"notes": "Bình thường",
                                                                               "route": "[[20.9, 107.1]]"})
    assert response.status_code == 302
    patrol.refresh_from_db()
    assert (patrol.ended_at is not None, patrol.route) == (True, [[20.9, 107.1]])


def test_duty_page_refusals(client, login, world, teams):
    login(teams.security_user_b)
    assert client.post(reverse("community:patrol_start", args=[teams.team_a.pk]), {"kind": "patrol"}
                       ).status_code == 404
    login(teams.security_user_a)
    assert client.post(reverse("community:patrol_start", args=[teams.team_a.pk]), {"kind": "fly"}).status_code == 400
    client.post(reverse("community:patrol_start", args=[teams.team_a.pk]), {"kind": "patrol"})
    patrol = PatrolLog.objects.get()
    response = client.post(reverse("community:patrol_end", args=[patrol.pk]), {"route": "[[95, 200]]"})
    assert response.status_code == 400
    login(world.resident_a)
    body = client.get(reverse("community:duty")).content.decode()
    assert "You are not an active member of a security team." in body
    assert PatrolLog.objects.get().ended_at is None


def test_patrol_list_query_count(client, login, world, teams, django_assert_num_queries):
    for _ in range(30):
        PatrolLog.objects.create(team=teams.team_a, unit_path=teams.team_a.unit_path, member=teams.member_a,
                                 started_at=timezone.now(), ended_at=timezone.now())
    login(world.police_a)
    # session, user, roles (menu), scope paths, patrols on now, count, page
    with django_assert_num_queries(7):
        response = client.get(reverse("community:patrol_list"))
    assert response.content.decode().count('data-patrol="') == 30


class TestApi:
    def test_members_without_and_with_personal_data(self, client, world, teams, token_for):
        url = f"/api/v1/community/teams/{teams.team_a.pk}/members"
        body = client.get(url, **token_for(teams.security_user_a)).json()
        assert [(m["full_name"], m["phone"], m["date_of_birth"]) for m in body] == [
            ("Nguyễn Văn Trưởng", None, None), ("Lê Văn An", None, None)]
        response = client.get(url + "?include_personal=true&purpose=x", **token_for(teams.security_user_a))
        assert response.status_code == 403
        response = client.get(url + "?include_personal=true", **token_for(world.police_a))
        assert response.status_code == 400
        body = client.get(url + "?include_personal=true&purpose=Điều động", **token_for(world.police_a)).json()
        assert [m["phone"] for m in body] == ["0912000111", "0912000111"]
        assert AuditEvent.objects.filter(action="community.member.read_personal").count() == 2

    def test_list_teams_and_query_count(self, client, world, teams, token_for, django_assert_num_queries):
        headers = token_for(world.province_leader)
        # token lookup, token touch, scope paths, province rules, default rule, count, page
        with django_assert_num_queries(7):
            body = client.get("/api/v1/community/teams", **headers).json()
        assert [(t["name"], t["active_members"], t["expected_size"]) for t in body["items"]] == [
            ("Tổ bảo vệ ANTT tổ 1 An Sinh", 2, 3), ("Tổ bảo vệ ANTT tổ 1 Đông Triều", 1, 3)]
        assert client.get("/api/v1/community/teams?size=huge", **headers).status_code == 422

    def test_add_member_and_bad_input(self, client, world, teams, token_for):
        url = f"/api/v1/community/teams/{teams.team_a.pk}/members"
        headers = token_for(world.police_a)
        good = {"full_name": "Bùi Văn Dũng", "date_of_birth": years_ago(30).isoformat(), "education": "higher",
                "resident_since": years_ago(4).isoformat()}
        for payload, status in [({**good, "education": "phd"}, 422), ({**good, "date_of_birth": "x"}, 422),
                                ({**good, "date_of_birth": years_ago(15).isoformat()}, 400),
                                ({**good, "allowance": -1}, 422), ({**good, "user_id": 999999}, 400)]:
            response = client.post(url, payload, content_type="application/json", **headers)
            assert (response.status_code, "detail" in response.json()) == (status, True), payload
        assert teams.team_a.members.count() == 2
        response = client.post(url, good, content_type="application/json", **headers)
        assert (response.status_code, response.json()["phone"]) == (201, None)
        response = client.post(url, good, content_type="application/json", **token_for(world.police_b))
        assert response.status_code == 404

    def test_patrol_start_and_end(self, client, teams, token_for):
        headers = token_for(teams.security_user_a)
        response = client.post(f"/api/v1/community/teams/{teams.team_a.pk}/patrols", {},
                               content_type="application/json", **headers)
        assert response.status_code == 201, response.content
        patrol_id = response.json()["id"]
        response = client.post(f"/api/v1/community/patrols/{patrol_id}/end", {"route": [[20.9, 107.0]]},
                               content_type="application/json", **headers)
        assert (response.status_code, response.json()["route"]) == (200, [[20.9, 107.0]])
        body = client.get("/api/v1/community/patrols", **headers).json()
        assert [item["id"] for item in body["items"]] == [patrol_id]
        response = client.post(f"/api/v1/community/teams/{teams.team_b.pk}/patrols", {},
                               content_type="application/json", **headers)
        assert response.status_code == 404

    def test_openapi_lists_the_paths(self, client, db):
        paths = client.get("/api/v1/openapi.json").json()["paths"]
        for path in ("/api/v1/community/models", "/api/v1/community/teams", "/api/v1/community/teams/{team_id}/members",
                     "/api/v1/community/teams/{team_id}/shifts", "/api/v1/community/patrols",
                     "/api/v1/community/commendations"):
            assert path in paths


def test_report_from_a_patrol_page_and_api(client, login, world, teams, token_for):
    from binhan.community.services import duty
    from binhan.reports.models import Category, Report

    patrol = duty.patrol_start(actor=teams.security_user_a, team=teams.team_a)
    login(teams.security_user_a)
    url = reverse("community:patrol_detail", args=[patrol.pk])
    category = Category.objects.get(code="suspicious", province=None)
    assert client.post(url, {"category": category.pk, "description": ""}).status_code == 400
    assert client.post(url, {"category": category.pk, "description": "Xe lạ đỗ lâu"}).status_code == 302
    report = Report.objects.get()
    assert (PatrolLog.objects.get().report, report.reporter) == (report, teams.security_user_a)
    headers = token_for(teams.security_user_a)
    response = client.post(f"/api/v1/community/patrols/{patrol.pk}/report", {"category": "nope", "description": "x"},
                           content_type="application/json", **headers)
    assert response.status_code == 400
    response = client.post(f"/api/v1/community/patrols/{patrol.pk}/report",
                           {"category": "fire", "description": "Khói ở nhà kho", "answers": {"burning": "yes"}},
                           content_type="application/json",
                           **headers)
    assert (response.status_code, Report.objects.count()) == (201, 2), response.content
    assert response.json()["report_id"] == Report.objects.latest("id").pk
    login(world.group_leader_a)  # sees the log, may not change it
    body = client.get(url).content.decode()
    assert "Attach the report" not in body
    assert client.post(url, {"reference": report.reference}).status_code == 403


def test_map_layers_are_scoped(client, login, world, teams):
    from binhan.community.models import ModelSite, ModelType, SelfManagementModel

    world.group_a.centre_lat, world.group_a.centre_lon = 20.95, 107.05
    world.group_a.save()
    world.group_b.centre_lat, world.group_b.centre_lon = 21.05, 106.85
    world.group_b.save()
    model = SelfManagementModel.objects.create(type=ModelType.objects.get(code="security-cameras", province=None),
                                               unit=world.group_a, unit_path=world.group_a.path, name="Camera",
                                               status="running")
    ModelSite.objects.create(model=model, unit=world.group_a, unit_path=world.group_a.path)
    login(world.police_a)
    teams_layer = client.get(reverse("community:map_data") + "?layer=teams").json()
    assert [(f["properties"]["id"], f["geometry"]["coordinates"]) for f in teams_layer["features"]] == [
        (teams.team_a.pk, [107.05, 20.95])]
    sites = client.get(reverse("community:map_data") + "?layer=sites").json()
    assert [f["properties"]["url"] for f in sites["features"]] == [
        reverse("community:model_detail", args=[model.pk])]
    assert client.get(reverse("community:map_data") + "?layer=people").status_code == 400
    assert client.get(reverse("community:map")).status_code == 200
    login(world.resident_a)
    assert client.get(reverse("community:map_data")).status_code == 403


def test_overview_of_another_commune_is_404(client, login, world, teams):
    login(world.police_a)
    assert client.get(reverse("community:overview") + f"?unit={world.commune_b.pk}").status_code == 404
    body = client.get(reverse("community:overview")).content.decode()
    assert ('data-figure="teams">1<' in body, 'data-figure="members">2<' in body) == (True, True)


def test_admin_lists_teams_and_hides_personal_fields(client, login, world, teams):
    world.admin.is_staff = True
    world.admin.save()
    login(world.admin)
    assert client.get("/admin/community/securityteam/").status_code == 200
    body = client.get(f"/admin/community/teammember/{teams.member_a.pk}/change/").content.decode()
    assert ("Lê Văn An" in body, "0912000111" in body) == (True, False)
    assert client.get("/admin/community/provincerule/").status_code == 200
    login(world.police_a)
    assert client.get("/admin/community/securityteam/").status_code in (302, 403)


def _page_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_detail_pages_do_not_grow_with_their_rows(client, login, world, teams, camera_type):
    from datetime import timedelta

    from binhan.community.models import DutyShift, ModelSite, SelfManagementModel
    from binhan.community.services import commendations

    model = SelfManagementModel.objects.create(type=camera_type, unit=world.commune_a, unit_path=world.commune_a.path,
                                               name="Camera", status="running")
    login(world.police_a)
    urls = [reverse("community:team_detail", args=[teams.team_a.pk]),
            reverse("community:member_detail", args=[teams.member_a.pk]),
            reverse("community:model_detail", args=[model.pk]), reverse("community:duty")]
    before = [_page_queries(client, url) for url in urls]
    for number in range(10):
        member = make_member(teams.team_a, full_name=f"Thành viên {number}")
        start = timezone.now() + timedelta(hours=number + 1)
        DutyShift.objects.create(team=teams.team_a, unit_path=teams.team_a.unit_path, member=member, starts_at=start,
                                 ends_at=start + timedelta(minutes=30))
        PatrolLog.objects.create(team=teams.team_a, unit_path=teams.team_a.unit_path, member=teams.member_a,
                                 started_at=timezone.now(), ended_at=timezone.now())
        group = UnitFactory(code=f"7090-3{number:02d}", level="group", parent=world.commune_a)
        ModelSite.objects.create(model=model, unit=group, unit_path=group.path)
        commendations.commendation_create(actor=world.police_a, subject="team", team=teams.team_a, level="commune",
                                          decision_number=f"{number}/QĐ", decision_date=TODAY(), deed="Tốt")
    assert [_page_queries(client, url) for url in urls] == before


def test_reports_assigned_to_the_team_show_on_its_page(client, login, world, teams):
    from tests.factories import make_report

    assigned = make_report(unit=world.group_a, assigned_team="security", description="Trộm xe đạp ở ngõ 5")
    make_report(unit=world.group_a, assigned_team="fire")
    make_report(unit=world.group_b, assigned_team="security")
    closed = make_report(unit=world.group_a, assigned_team="security", status="resolved")
    url = reverse("community:team_detail", args=[teams.team_a.pk])
    for user, shown in [(world.police_a, True), (teams.security_user_a, True), (world.group_leader_a, False)]:
        login(user)
        body = client.get(url).content.decode()
        assert (assigned.reference in body, closed.reference in body) == (shown, False), user
        assert "Trộm xe đạp" not in body  # never the description


def test_member_rating_page_and_api(client, login, world, teams, token_for):
    from binhan.community import rules

    year = rules.period_of(TODAY()).year - 1
    login(world.police_a)
    url = reverse("community:member_detail", args=[teams.member_a.pk])
    response = client.post(url, {"year": year, "grade": "excellent", "tasks_assigned": "10", "tasks_done": "9"})
    assert (response.status_code, "needs more than 95% of tasks done" in response.content.decode()) == (400, True)
    assert client.post(url, {"year": year, "grade": "good"}).status_code == 302
    response = client.post(f"/api/v1/community/members/{teams.leader_a.pk}/ratings", {"year": year, "grade": "fine"},
                           content_type="application/json", **token_for(world.police_a))
    assert response.status_code == 422
    response = client.post(f"/api/v1/community/members/{teams.leader_a.pk}/ratings", {"year": year, "grade": "good"},
                           content_type="application/json", **token_for(world.police_b))
    assert response.status_code == 404
    response = client.post(f"/api/v1/community/members/{teams.leader_a.pk}/ratings", {"year": year, "grade": "good"},
                           content_type="application/json", **token_for(world.police_a))
    assert (response.status_code, response.json()["grade"]) == (201, "good")
