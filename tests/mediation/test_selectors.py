"""Mediation reads: who sees a case (privacy matrix), the log book for a period, the yearly summaries."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from binhan.core.models import AuditEvent
from binhan.mediation.models import Assignment, CaseStatus, Session
from binhan.mediation.selectors import cases as selectors
from binhan.mediation.selectors import summary
from tests.mediation.conftest import make_case, make_team

# Who reads an assigned case of team A: its mediator, the leader and the commune police and leader do;
# a mediator of the same team who is not assigned, a mediator of another team, the other commune's police,
# the province (counts only), the group leader, residents and auditors do not.
PRIVACY = [
    ("mediator_user_a", True), ("leader_user_a", True), ("police_a", True), ("leader_a", True),
    ("other_user_a", False), ("mediator_user_b", False), ("police_b", False), ("province_leader", False),
    ("group_leader_a", False), ("resident_a", False), ("auditor_a", False), ("outsider", False),
]


def _person(world, teams, name):
    return getattr(world, name, None) or getattr(teams, name)


def _assigned_case(teams):
    case = make_case(teams.team_a, status=CaseStatus.ASSIGNED)
    Assignment.objects.create(case=case, mediator=teams.mediator_a, assigned_on=timezone.localdate())
    return case


@pytest.mark.parametrize(("name", "sees"), PRIVACY)
def test_case_privacy_matrix(world, teams, name, sees):
    case = _assigned_case(teams)
    viewer = _person(world, teams, name)
    assert list(selectors.visible_cases(viewer).values_list("pk", flat=True)) == ([case.pk] if sees else [])


def test_out_of_reach_case_is_404_and_audited(world, teams):
    case = _assigned_case(teams)
    with pytest.raises(Http404):
        selectors.case_get(viewer=teams.mediator_user_b, pk=case.pk)
    denied = AuditEvent.objects.get(action="access.denied")
    assert (denied.actor, denied.object_type, denied.object_id) == (
        teams.mediator_user_b, "mediation.mediationcase", str(case.pk))
    with pytest.raises(Http404):
        selectors.case_get(viewer=world.police_a, pk=case.pk + 1000)
    assert AuditEvent.objects.filter(action="access.denied").count() == 1


def test_a_mediator_who_left_loses_the_case(world, teams):
    case = _assigned_case(teams)
    teams.mediator_a.status = "left"
    teams.mediator_a.save()
    assert not selectors.visible_cases(teams.mediator_user_a).filter(pk=case.pk).exists()


def test_my_cases_and_todays_sessions(world, teams):
    case = _assigned_case(teams)
    make_case(teams.team_a)  # not assigned to anyone
    session = Session.objects.create(case=case, unit_path=case.unit_path, held_at=timezone.now(), place="Nhà văn hóa")
    assert list(selectors.my_cases(viewer=teams.mediator_user_a)) == [case]
    assert len(selectors.my_cases(viewer=teams.leader_user_a)) == 2  # the leader sees the team's cases
    assert list(selectors.todays_sessions(viewer=teams.mediator_user_a)) == [session]
    assert list(selectors.todays_sessions(viewer=teams.other_user_a)) == []


# -- the log book --


def test_log_book_rows_for_a_period(world, teams):
    early = make_case(teams.team_a, status=CaseStatus.SUCCESSFUL, received_on=date(2025, 3, 2),
                      agreement="Hai bên thống nhất ranh giới", notes="Đã ký biên bản")
    Assignment.objects.create(case=early, mediator=teams.mediator_a, assigned_on=date(2025, 3, 3))
    Session.objects.create(case=early, unit_path=early.unit_path, held_at=timezone.now() - timedelta(days=200),
                           place="Nhà văn hóa", invitees="Trưởng thôn", requests="Bên A đòi tháo tường")
    referred = make_case(teams.team_a, status=CaseStatus.REFERRED, received_on=date(2025, 6, 1),
                         referred_to="Công an xã", referral_reason="Có dấu hiệu tội phạm")
    make_case(teams.team_a, received_on=date(2024, 12, 31))  # before the period
    make_case(teams.team_b, received_on=date(2025, 4, 1))  # another team
    rows = selectors.log_book(viewer=teams.leader_user_a, team=teams.team_a, start=date(2025, 1, 1),
                              end=date(2025, 12, 31))
    assert [(r.number, r.case, r.received_on) for r in rows] == [
        (1, early, date(2025, 3, 2)), (2, referred, date(2025, 6, 1))]
    first = rows[0]
    assert (first.mediators, first.invitees, [p.full_name for p in first.parties], first.content, first.agreement,
            first.result, first.notes) == (
        "Lê Văn An", "Trưởng thôn", ["Nguyễn Văn Hùng", "Trần Thị Lan"], "Tranh chấp ranh giới đất",
        "Hai bên thống nhất ranh giới", "Successful", "Đã ký biên bản")
    assert rows[1].notes == "Referred to Công an xã: Có dấu hiệu tội phạm"
    event = AuditEvent.objects.get(action="mediation.logbook.read")
    assert (event.actor, event.changes) == (teams.leader_user_a, {"period": [None, ["2025-01-01", "2025-12-31"]]})


@pytest.mark.parametrize("name", ["mediator_user_a", "mediator_user_b", "group_leader_a", "province_leader"])
def test_log_book_is_for_the_leader_and_the_commune(world, teams, name):
    with pytest.raises(PermissionDenied):
        selectors.log_book(viewer=_person(world, teams, name), team=teams.team_a, start=date(2025, 1, 1),
                           end=date(2025, 12, 31))


# -- yearly summaries --


def _year_of_cases(teams):
    year = 2025
    for status, dispute, count in [(CaseStatus.SUCCESSFUL, "neighbour_land", 4), (CaseStatus.UNSUCCESSFUL,
                                   "family_marriage", 1), (CaseStatus.REFERRED, "other", 1),
                                   (CaseStatus.IN_PROGRESS, "neighbour_land", 2)]:
        for _n in range(count):
            case = make_case(teams.team_a, status=status, dispute_type=dispute, received_on=date(year, 5, 1))
            Assignment.objects.create(case=case, mediator=teams.mediator_a, assigned_on=date(year, 5, 2))
    make_case(teams.team_a, status=CaseStatus.SUCCESSFUL, received_on=date(2024, 12, 30))  # the year before
    make_case(teams.team_b, status=CaseStatus.SUCCESSFUL, received_on=date(year, 2, 1))
    return year


def test_yearly_summary_of_a_team(world, teams, django_assert_num_queries):
    year = _year_of_cases(teams)
    with django_assert_num_queries(5):  # scope paths, cases by type and status, teams, mediators, assignments
        result = summary.yearly_summary(viewer=world.police_a, team=teams.team_a, year=year)
    assert (result.received, result.mediated, result.successful, result.unsuccessful, result.referred,
            result.pending, result.success_rate, result.teams, result.mediators, result.workload) == (
        8, 5, 4, 1, 1, 2, 0.8, 1, 4, 2.0)
    land = result.by_type["neighbour_land"]
    assert (land.received, land.successful, land.pending) == (6, 4, 2)
    assert result.as_dict()["by_type"]["property_debt"] == {
        "received": 0, "successful": 0, "unsuccessful": 0, "referred": 0, "pending": 0}


def test_yearly_summary_of_commune_and_province(world, teams):
    year = _year_of_cases(teams)
    commune = summary.yearly_summary(viewer=world.leader_a, unit=world.commune_a, year=year)
    province = summary.yearly_summary(viewer=world.province_leader, unit=world.province, year=year)
    assert (commune.received, commune.teams, province.received, province.teams, province.successful) == (
        8, 1, 9, 2, 5)
    rows = summary.yearly_breakdown(viewer=world.province_leader, unit=world.province, year=year)
    assert [(r.label, r.received, r.teams, r.mediators) for r in rows] == [
        ("Phường An Sinh", 8, 1, 4), ("Phường Đông Triều", 1, 1, 1)]
    by_team = summary.yearly_breakdown(viewer=world.police_a, unit=world.commune_a, year=year)
    assert [(r.label, r.received, r.assignments) for r in by_team] == [("Tổ hòa giải tổ 1 An Sinh", 8, 8)]


def test_yearly_summary_outside_scope_is_404(world, teams):
    with pytest.raises(Http404):
        summary.yearly_summary(viewer=world.police_b, unit=world.commune_a, year=2025)
    with pytest.raises(Http404):
        summary.yearly_summary(viewer=world.resident_a, team=teams.team_a, year=2025)
    with pytest.raises(TypeError):
        summary.yearly_summary(viewer=world.police_a, year=2025)


def test_empty_year_and_small_number_suppression(world):
    team = make_team(world.group_a)
    result = summary.yearly_summary(viewer=world.police_a, team=team, year=2020)
    assert (result.received, result.success_rate, result.workload) == (0, None, None)
    assert [summary.suppress(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]
