"""Rosters and patrols: shifts, swaps, start and end patrol, reports from a patrol."""

from datetime import timedelta

import pytest
from django.utils import timezone

from binhan.community.models import DutyShift, PatrolLog
from binhan.community.services import duty as services
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.reports.models import Category, Report
from tests.factories import make_report


def soon(hours=2):
    return timezone.now() + timedelta(hours=hours)


def test_leader_keeps_the_roster_and_members_do_not(world, teams):
    shift = services.shift_create(actor=teams.leader_user_a, team=teams.team_a, member=teams.member_a,
                                  starts_at=soon(), ends_at=soon(5), place="Nhà văn hóa")
    assert (shift.member, shift.unit_path) == (teams.member_a, world.group_a.path)
    with pytest.raises(PermissionDeniedError):
        services.shift_create(actor=teams.security_user_a, team=teams.team_a, member=teams.member_a,
                              starts_at=soon(10), ends_at=soon(12))
    with pytest.raises(PermissionDeniedError):
        services.shift_create(actor=world.police_b, team=teams.team_a, member=teams.member_a, starts_at=soon(10),
                              ends_at=soon(12))
    assert DutyShift.objects.count() == 1


@pytest.mark.parametrize(("starts", "ends", "member", "message"), [
    (3, 2, "member_a", "A shift must end after it starts."),
    (1, 30, "member_a", "A shift may last at most 24 hours."),
    (3, 4, "member_a", "Lê Văn An already has a shift at that time."),
    (10, 12, "member_b", "Choose an active member of this team."),
])
def test_shift_refusals(world, teams, starts, ends, member, message):
    services.shift_create(actor=world.police_a, team=teams.team_a, member=teams.member_a, starts_at=soon(2),
                          ends_at=soon(5))
    with pytest.raises(ServiceError) as caught:
        services.shift_create(actor=world.police_a, team=teams.team_a, member=getattr(teams, member),
                              starts_at=soon(starts), ends_at=soon(ends))
    assert caught.value.message == message
    assert DutyShift.objects.count() == 1


def test_swap_by_the_member_on_the_shift(world, teams):
    shift = services.shift_create(actor=world.police_a, team=teams.team_a, member=teams.member_a, starts_at=soon(),
                                  ends_at=soon(4))
    with pytest.raises(ServiceError, match="Say why"):
        services.shift_swap(actor=teams.security_user_a, shift=shift, to_member=teams.leader_a, reason=" ")
    services.shift_swap(actor=teams.security_user_a, shift=shift, to_member=teams.leader_a, reason="Ốm")
    shift.refresh_from_db()
    assert (shift.member, shift.swapped_from, shift.swap_reason) == (teams.leader_a, teams.member_a, "Ốm")
    with pytest.raises(PermissionDeniedError):  # no longer theirs
        services.shift_swap(actor=teams.security_user_a, shift=shift, to_member=teams.member_a, reason="x")
    assert AuditEvent.objects.get(action="community.shift.swap").changes == {
        "member": [teams.member_a.pk, teams.leader_a.pk]}


def test_patrol_start_and_end(world, teams, django_capture_on_commit_callbacks):
    shift = services.shift_create(actor=world.police_a, team=teams.team_a, member=teams.member_a,
                                  starts_at=timezone.now() - timedelta(minutes=5), ends_at=soon(2))
    with django_capture_on_commit_callbacks(execute=True):
        patrol = services.patrol_start(actor=teams.security_user_a, team=teams.team_a, notes="Đi tuần khu chợ")
    assert (patrol.member, patrol.shift, patrol.is_open) == (teams.member_a, shift, True)
    assert OutboxEvent.objects.get(name="community.patrol.started").payload == {
        "team_id": teams.team_a.pk, "patrol_id": patrol.pk}
    with pytest.raises(ServiceError, match="is still going on"):
        services.patrol_start(actor=teams.security_user_a, team=teams.team_a)
    with pytest.raises(PermissionDeniedError):
        services.patrol_end(actor=teams.security_user_b, patrol=patrol)
    ended = services.patrol_end(actor=teams.security_user_a, patrol=patrol, notes="Yên tĩnh",
                                route=[[20.95, 107.05], ["20.951", "107.051"]])
    assert (ended.notes, ended.route, ended.is_open) == ("Đi tuần khu chợ\nYên tĩnh",
                                                        [[20.95, 107.05], [20.951, 107.051]], False)
    with pytest.raises(ServiceError, match="already ended"):
        services.patrol_end(actor=teams.security_user_a, patrol=patrol)


@pytest.mark.parametrize(("route", "message"), [
    ([[95, 107]], "A point of the route is outside the valid range of latitude and longitude."),
    ([["nan", 107]], "A point of the route is outside the valid range of latitude and longitude."),
    ([[20.9]], "Each point of the route needs a latitude and a longitude."),
    ("somewhere", "The route must be a list of at most 2,000 points."),
    ([[20.9, 107.0]] * 2001, "The route must be a list of at most 2,000 points."),
])
def test_bad_route_keeps_the_patrol_open(world, teams, route, message):
    patrol = services.patrol_start(actor=teams.security_user_a, team=teams.team_a)
    with pytest.raises(ServiceError) as caught:
        services.patrol_end(actor=teams.security_user_a, patrol=patrol, route=route)
    assert caught.value.message == message
    assert PatrolLog.objects.get(pk=patrol.pk).ended_at is None


def test_only_members_start_a_patrol(world, teams):
    for actor in (teams.security_user_b, world.group_leader_a, world.resident_a):
        with pytest.raises(PermissionDeniedError):
            services.patrol_start(actor=actor, team=teams.team_a)
    # The police may log a patrol for a member.
    patrol = services.patrol_start(actor=world.police_a, team=teams.team_a, member=teams.member_a)
    assert patrol.member == teams.member_a
    assert PatrolLog.objects.count() == 1


def test_a_patrol_makes_or_attaches_a_report(world, teams):
    patrol = services.patrol_start(actor=teams.security_user_a, team=teams.team_a)
    category = Category.objects.get(code="suspicious", province=None)
    report = services.patrol_report(actor=teams.security_user_a, patrol=patrol, category=category,
                                    description="Xe lạ đỗ lâu đầu ngõ")
    assert (report.unit, report.source, PatrolLog.objects.get(pk=patrol.pk).report) == (world.group_a, "staff", report)
    other = make_report(unit=world.group_a)
    services.patrol_attach_report(actor=teams.security_user_a, patrol=patrol, reference=other.reference)
    assert PatrolLog.objects.get(pk=patrol.pk).report == other
    elsewhere = make_report(unit=world.group_b)
    for reference in (elsewhere.reference, "R-2026-999999", "garbage"):
        with pytest.raises(ServiceError, match="No report with this reference"):
            services.patrol_attach_report(actor=teams.security_user_a, patrol=patrol, reference=reference)
    assert Report.objects.count() == 3
