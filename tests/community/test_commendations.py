"""Commendations: who may record them, what is commended, where they show, how they are counted."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from binhan.community.models import Commendation
from binhan.community.selectors import commendations as selectors
from binhan.community.services import commendations as services
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent

TODAY = timezone.localdate


def commend(actor, **kwargs):
    values = {"level": "commune", "decision_number": "15/QĐ-UBND", "decision_date": TODAY(),
              "deed": "Bắt giữ đối tượng trộm cắp"}
    values.update(kwargs)
    return services.commendation_create(actor=actor, **values)


def test_each_kind_of_subject(world, teams):
    member = commend(world.leader_a, subject="member", member=teams.member_a)
    team = commend(world.leader_a, subject="team", team=teams.team_a, level="province")
    household = commend(world.leader_a, subject="household", household=world.household_a)
    unit = commend(world.province_leader, subject="unit", unit=world.commune_a, level="ministry")
    person = commend(world.police_a, subject="person", person_unit=world.group_a, person_name="Ngô Thị Hoa")
    assert [(c.subject_label, c.unit_path) for c in (member, team, household, unit, person)] == [
        ("Lê Văn An", world.group_a.path), ("Tổ bảo vệ ANTT tổ 1 An Sinh", world.group_a.path),
        ("Số 1 phố An Sinh", world.group_a.path), ("Phường An Sinh", world.commune_a.path),
        ("Ngô Thị Hoa", world.group_a.path)]
    assert AuditEvent.objects.filter(action="community.commendation.create").count() == 5


@pytest.mark.parametrize(("actor", "kwargs", "error"), [
    ("leader_a", {"subject": "team"}, "Choose the unit, team, model, household or person commended."),
    ("leader_a", {"subject": "hero", "team": None}, "Choose who is commended."),
    ("leader_a", {"subject": "person", "person_unit": "group_a"}, "Give the person's name."),
    ("leader_a", {"subject": "unit", "unit": "commune_a", "level": "nation"},
     "Choose the commune, province or ministry level."),
    ("leader_a", {"subject": "unit", "unit": "commune_a", "decision_number": " "}, "Give the number of the decision."),
    ("leader_a", {"subject": "unit", "unit": "commune_a", "decision_date": TODAY() + timedelta(days=1)},
     "The date cannot be in the future."),
    ("leader_a", {"subject": "unit", "unit": "commune_a", "deed": ""}, "Say what the commendation is for."),
    ("leader_a", {"subject": "unit", "unit": "commune_b"}, "Only the police and leaders"),
    ("group_leader_a", {"subject": "unit", "unit": "group_a"}, "Only the police and leaders"),
])
def test_refusals_store_nothing(world, actor, kwargs, error):
    for key in ("unit", "person_unit"):
        if isinstance(kwargs.get(key), str):
            kwargs[key] = getattr(world, kwargs[key])
    with pytest.raises(ServiceError, match=error):
        commend(getattr(world, actor), **kwargs)
    assert Commendation.objects.count() == 0


def test_counts_per_year_and_level_are_scoped(world, teams):
    commend(world.leader_a, subject="team", team=teams.team_a, decision_date=date(2025, 8, 19))
    commend(world.leader_a, subject="member", member=teams.member_a, level="province", decision_date=date(2025, 9, 2))
    commend(world.leader_a, subject="member", member=teams.member_a, decision_date=date(2026, 1, 5))
    commend(world.province_leader, subject="team", team=teams.team_b, decision_date=date(2026, 1, 5))
    assert selectors.commendation_counts(viewer=world.police_a) == [
        {"year": 2026, "commune": 1, "province": 0, "ministry": 0, "total": 1},
        {"year": 2025, "commune": 1, "province": 1, "ministry": 0, "total": 2}]
    assert selectors.commendation_list(viewer=world.province_leader).count() == 4


def test_pages(client, login, world, teams, django_assert_num_queries):
    login(world.leader_a)
    url = reverse("community:commendation_create")
    base = {"level": "commune", "decision_number": "7/QĐ", "decision_date": "2026-01-02", "deed": "Cứu người"}
    response = client.post(url, {**base, "subject": "member", "target": str(teams.member_b.pk)})
    assert (response.status_code, "Nothing of this kind" in response.content.decode()) == (400, True)
    response = client.post(url, {**base, "subject": "member", "target": "abc"})
    assert response.status_code == 400
    assert client.post(url, {**base, "subject": "member", "target": str(teams.member_a.pk)}).status_code == 302
    assert Commendation.objects.get().member == teams.member_a
    body = client.get(reverse("community:member_detail", args=[teams.member_a.pk])).content.decode()
    assert "Cứu người" in body
    for number in range(25):
        commend(world.leader_a, subject="team", team=teams.team_a, decision_number=f"{number}/QĐ")
    # session, user, roles (menu), scope paths, count, page, counts per year, manager scope (add button)
    with django_assert_num_queries(8):
        response = client.get(reverse("community:commendation_list"))
    assert response.status_code == 200
    login(world.resident_a)
    assert client.get(reverse("community:commendation_list")).status_code == 403
    with pytest.raises(PermissionDeniedError):
        commend(world.police_b, subject="team", team=teams.team_a)


def test_api_list(client, world, teams, token_for):
    commend(world.leader_a, subject="team", team=teams.team_a)
    body = client.get("/api/v1/community/commendations", **token_for(world.police_b)).json()
    assert body["count"] == 0
    body = client.get("/api/v1/community/commendations", **token_for(world.police_a)).json()
    assert [item["team_id"] for item in body["items"]] == [teams.team_a.pk]


def test_list_search_and_bad_filters(client, login, world, teams):
    commend(world.leader_a, subject="person", person_unit=world.group_a, person_name="Ngô Thị Hoa")
    commend(world.leader_a, subject="team", team=teams.team_a, deed="Chữa cháy kịp thời")
    login(world.police_a)
    body = client.get(reverse("community:commendation_list") + "?q=hoa").content.decode()
    assert ("Ngô Thị Hoa" in body, "Chữa cháy kịp thời" in body) == (True, False)
    assert client.get(reverse("community:commendation_list") + "?year=abc").status_code == 400
    assert client.get(reverse("community:commendation_list") + "?level=galaxy").status_code == 400
