"""The mediation API: the OpenAPI paths, scoping and privacy, intake to outcome, bad input, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from binhan.core.models import AuditEvent
from binhan.mediation.models import Assignment, CaseStatus, MediationCase, Party
from tests.factories import earlier_today
from tests.mediation.conftest import make_case

PATHS = {"/api/v1/mediation/teams", "/api/v1/mediation/teams/{team_id}", "/api/v1/mediation/cases",
         "/api/v1/mediation/cases/{case_id}", "/api/v1/mediation/cases/{case_id}/assign",
         "/api/v1/mediation/cases/{case_id}/sessions", "/api/v1/mediation/cases/{case_id}/outcome",
         "/api/v1/mediation/summary"}


def test_openapi_has_the_mediation_paths(client, db):
    assert PATHS <= set(client.get("/api/v1/openapi.json").json()["paths"])


def test_team_list_and_detail(client, world, teams, token_for):
    headers = token_for(world.police_a)
    body = client.get("/api/v1/mediation/teams", **headers).json()
    assert [(t["id"], t["active_mediators"], t["women"], t["warnings"]) for t in body["items"]] == [
        (teams.team_a.pk, 4, 1, [])]
    detail = client.get(f"/api/v1/mediation/teams/{teams.team_a.pk}", **headers).json()
    assert [m["full_name"] for m in detail["mediators"]][:1] == ["Phạm Văn Trưởng"]
    assert "phone" not in detail["mediators"][0]
    assert client.get(f"/api/v1/mediation/teams/{teams.team_b.pk}", **headers).status_code == 404


def test_case_list_query_count(client, world, teams, token_for, django_assert_num_queries):
    for _n in range(25):
        make_case(teams.team_a)
    headers = token_for(world.police_a)
    # token lookup, token touch, supervisor scope, staff scope, count, page
    with django_assert_num_queries(6):
        body = client.get("/api/v1/mediation/cases?page_size=10", **headers).json()
    assert (body["count"], len(body["items"]), "description" in body["items"][0]) == (25, 10, False)


@pytest.mark.parametrize(("name", "status"), [("mediator_user_a", 200), ("other_user_a", 404),
                                              ("mediator_user_b", 404), ("police_b", 404), ("police_a", 200)])
def test_case_detail_privacy(client, world, teams, token_for, name, status):
    case = make_case(teams.team_a, status=CaseStatus.ASSIGNED)
    Assignment.objects.create(case=case, mediator=teams.mediator_a, assigned_on=timezone.localdate())
    person = getattr(world, name, None) or getattr(teams, name)
    response = client.get(f"/api/v1/mediation/cases/{case.pk}", **token_for(person))
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert ([p["full_name"] for p in body["parties"]], body["mediator_ids"]) == (
            ["Nguyễn Văn Hùng", "Trần Thị Lan"], [teams.mediator_a.pk])
    assert AuditEvent.objects.filter(action="mediation.case.read").count() == (1 if status == 200 else 0)


def test_case_from_intake_to_outcome(client, world, teams, token_for):
    headers = token_for(teams.leader_user_a)
    payload = {"team_id": teams.team_a.pk, "source": "leader", "dispute_type": "property_debt",
               "description": "Vay 20 triệu quá hạn", "parties": [
                   {"role": "requester", "full_name": "Nguyễn Văn Hùng", "age": 52},
                   {"role": "other_side", "full_name": "Trần Văn Nợ"}]}
    response = client.post("/api/v1/mediation/cases", payload, content_type="application/json", **headers)
    assert (response.status_code, response.json()["status"]) == (201, "open")
    case_id = response.json()["id"]
    response = client.post(f"/api/v1/mediation/cases/{case_id}/assign", {"mediator_ids": [teams.mediator_a.pk]},
                           content_type="application/json", **headers)
    assert (response.status_code, response.json()["start_deadline"]) == (
        200, (timezone.localdate() + timedelta(days=3)).isoformat())
    held = earlier_today(1).isoformat()
    response = client.post(f"/api/v1/mediation/cases/{case_id}/sessions", {
        "held_at": held, "place": "Nhà văn hóa", "mediator_ids": [teams.mediator_a.pk]},
        content_type="application/json", **headers)
    assert response.status_code == 201
    response = client.post(f"/api/v1/mediation/cases/{case_id}/outcome", {
        "outcome": "unsuccessful", "positions": "Không thống nhất", "guidance": "court"},
        content_type="application/json", **headers)
    assert (response.status_code, response.json()["status"]) == (200, "unsuccessful")


@pytest.mark.parametrize("change", [
    {"parties": [{"role": "requester", "full_name": "A"}]},
    {"dispute_type": "war"},
    {"team_id": "x"},
    {"description": ""},
    {"exclusions": ["criminal"]},  # no referral body nor reason: 400
    {"source": "resident"},
    {"parties": [{"role": "judge", "full_name": "A"}, {"role": "other_side", "full_name": "B"}]},
])
def test_bad_input_is_4xx_and_stores_nothing(client, world, teams, token_for, change):
    payload = {"team_id": teams.team_a.pk, "source": "leader", "dispute_type": "other", "description": "X",
               "parties": [{"role": "requester", "full_name": "A"}, {"role": "other_side", "full_name": "B"}]}
    response = client.post("/api/v1/mediation/cases", {**payload, **change}, content_type="application/json",
                           **token_for(world.police_a))
    assert (response.status_code in (400, 422), "detail" in response.json()) == (True, True)
    assert (MediationCase.objects.count(), Party.objects.count()) == (0, 0)


def test_malformed_json_and_foreign_mediators(client, world, teams, token_for):
    headers = token_for(world.police_a)
    response = client.post("/api/v1/mediation/cases", "{not json", content_type="application/json", **headers)
    assert response.status_code in (400, 422)
    case = make_case(teams.team_a)
    response = client.post(f"/api/v1/mediation/cases/{case.pk}/assign", {"mediator_ids": [teams.mediator_b.pk]},
                           content_type="application/json", **headers)
    assert (response.status_code, response.json()["field"]) == (400, "mediator_ids")


def test_summary_endpoint(client, world, teams, token_for):
    make_case(teams.team_a, status=CaseStatus.SUCCESSFUL)
    year = timezone.localdate().year
    body = client.get(f"/api/v1/mediation/summary?unit_id={world.province.pk}&year={year}",
                      **token_for(world.province_leader)).json()
    assert (body["received"], body["successful"], body["success_rate"], len(body["rows"])) == (1, 1, 1.0, 2)
    response = client.get(f"/api/v1/mediation/summary?unit_id={world.commune_a.pk}&year={year}",
                          **token_for(world.police_b))
    assert response.status_code == 404
    assert client.get(f"/api/v1/mediation/summary?unit_id={world.province.pk}&year=1",
                      **token_for(world.province_leader)).status_code == 422
