"""Security teams: setting up, members and their eligibility, personal data, and the yearly rating."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from binhan.community import rules
from binhan.community.models import DutyShift, PatrolLog, ProvinceRule, SecurityTeam, TeamMember, TeamRating
from binhan.community.services import teams as services
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from tests.community.conftest import make_member, make_team, years_ago
from tests.factories import UnitFactory

TODAY = timezone.localdate


def member_data(**overrides):
    data = {"full_name": "Đỗ Văn Hùng", "date_of_birth": years_ago(35), "education": "upper_secondary",
            "resident_since": years_ago(5), "phone": "0901234567", "address": "Số 9 ngõ 2"}
    data.update(overrides)
    return data


def test_team_create_covers_groups_of_one_commune(world, django_capture_on_commit_callbacks):
    second = UnitFactory(code="7090-002", name="Tổ dân phố 2", level="group", parent=world.commune_a)
    with django_capture_on_commit_callbacks(execute=True):
        team = services.team_create(actor=world.police_a, unit=world.group_a, extra_units=[second],
                                    established_on=TODAY() - timedelta(days=30), decision_number="45/QĐ-UBND")
    assert (team.name, team.commune_id, sorted(team.areas.values_list("unit__code", flat=True))) == (
        "Security team of Tổ dân phố 1", world.commune_a.pk, ["7090-001", "7090-002"])
    assert AuditEvent.objects.get(action="community.team.create").changes == {
        "name": [None, "Security team of Tổ dân phố 1"], "areas": [None, ["7090-001", "7090-002"]]}
    assert OutboxEvent.objects.get(name="community.team.created").payload == {"team_id": team.pk}
    with pytest.raises(ServiceError, match="Tổ dân phố 2 already has a security team"):
        services.team_create(actor=world.police_a, unit=second, established_on=TODAY())


@pytest.mark.parametrize(("unit", "extra", "actor", "error"), [
    ("commune_a", [], "police_a", "A security team covers residential groups or villages."),
    ("group_a", ["group_b"], "province_leader", "A team covers groups of one commune only."),
    ("group_a", [], "police_b", "Only the police and leaders of this commune or province may change"),
    ("group_a", [], "group_leader_a", "Only the police and leaders of this commune or province may change"),
])
def test_team_create_refusals(world, unit, extra, actor, error):
    with pytest.raises(ServiceError, match=error):
        services.team_create(actor=getattr(world, actor), unit=getattr(world, unit),
                             extra_units=[getattr(world, name) for name in extra], established_on=TODAY())
    assert SecurityTeam.objects.count() == 0


def test_member_add_applies_the_province_allowance_and_audits_without_personal_values(world):
    team = make_team(world.group_a)
    member = services.member_add(actor=world.police_a, team=team, position="deputy", **member_data())
    assert (member.allowance, member.status, member.joined_on) == (1_500_000, "active", TODAY())
    changes = AuditEvent.objects.get(action="community.member.add").changes
    assert (changes["phone"], changes["date_of_birth"], changes["full_name"]) == (
        ["[personal data]", "[personal data]"], ["[personal data]", "[personal data]"], [None, "Đỗ Văn Hùng"])


def test_province_rule_overrides_the_default(world):
    ProvinceRule.objects.create(province=world.province, size_bands=[[2700, 3]], extra_per=900,
                                allowance_member=1_000_000)
    team = make_team(world.group_a)
    member = services.member_add(actor=world.police_a, team=team, **member_data())
    assert member.allowance == 1_000_000


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"date_of_birth": years_ago(18, days=-1)}, "date_of_birth",
     "A team member must be at least 18 years old; this person is 17."),
    ({"date_of_birth": years_ago(71)}, "chairman_consent",
     "This person is 71. A member older than 70 needs the commune chairman's consent: record its number and date."),
    ({"resident_since": TODAY() - timedelta(days=200)}, "resident_since",
     "A team member must have lived in the area for at least one year."),
    ({"education": "primary"}, "education",
     "A team member needs at least lower-secondary education (primary school in remote areas)."),
    ({"education": "none"}, "education", "Choose an education level."),
    ({"full_name": " "}, "full_name", "Give the person's full name."),
    ({"position": "leader"}, "position", "This team already has a leader. Change the leader's position first."),
    ({"allowance": -1}, "allowance", "Give a monthly allowance from 0 to 100,000,000 đồng."),
])
def test_member_add_refusals_store_nothing(world, overrides, field, message):
    team = make_team(world.group_a)
    make_member(team, position="leader")
    with pytest.raises(ServiceError) as caught:
        services.member_add(actor=world.police_a, team=team, **member_data(**overrides))
    assert (caught.value.field, caught.value.message) == (field, message)
    assert (TeamMember.objects.count(), AuditEvent.objects.count()) == (1, 0)


def test_exactly_18_and_exactly_70_may_join(world):
    team = make_team(world.group_a)
    young = services.member_add(actor=world.police_a, team=team, **member_data(date_of_birth=years_ago(18)))
    old = services.member_add(actor=world.police_a, team=team, **member_data(date_of_birth=years_ago(71, days=-1)))
    older = services.member_add(actor=world.police_a, team=team, **member_data(
        date_of_birth=years_ago(75), chairman_consent="Công văn 8/UBND ngày 2/1"))
    assert [m.full_name for m in (young, old, older)] == ["Đỗ Văn Hùng"] * 3


def test_read_personal_needs_a_reason_and_a_manager(world, teams):
    with pytest.raises(ServiceError, match="Please say why"):
        services.member_read_personal(actor=world.police_a, member=teams.member_a, purpose="  ")
    for actor in (world.group_leader_a, teams.security_user_a, world.police_b):
        with pytest.raises(PermissionDeniedError):
            services.member_read_personal(actor=actor, member=teams.member_a, purpose="Gọi điều động")
    services.member_read_personal(actor=world.police_a, member=teams.member_a, purpose="Gọi điều động trực")
    event = AuditEvent.objects.get(action="community.member.read_personal")
    assert (event.actor, event.purpose, event.object_id) == (world.police_a, "Gọi điều động trực",
                                                             str(teams.member_a.pk))


def test_member_status_and_update(world, teams):
    with pytest.raises(ServiceError, match="Say why"):
        services.member_set_status(actor=world.police_a, member=teams.member_a, status="suspended")
    services.member_set_status(actor=world.police_a, member=teams.member_a, status="suspended", reason="Vắng 3 tháng")
    services.member_set_status(actor=world.police_a, member=teams.member_a, status="left", reason="Chuyển đi")
    member = TeamMember.objects.get(pk=teams.member_a.pk)
    assert (member.status, member.left_on) == ("left", TODAY())
    with pytest.raises(ServiceError, match="has left the team"):
        services.member_set_status(actor=world.police_a, member=member, status="active")
    services.member_update(actor=world.police_a, member=teams.leader_a, allowance=2_000_000)
    with pytest.raises(ServiceError, match="at least 18"):
        services.member_update(actor=world.police_a, member=teams.leader_a, date_of_birth=years_ago(10))
    assert TeamMember.objects.get(pk=teams.leader_a.pk).allowance == 2_000_000


def _shift(team, member, day, done=True):
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time(20), tzinfo=zone)
    shift = DutyShift.objects.create(team=team, unit_path=team.unit_path, member=member, starts_at=start,
                                     ends_at=start + timedelta(hours=3))
    if done:
        PatrolLog.objects.create(team=team, unit_path=team.unit_path, member=member, shift=shift, started_at=start,
                                 ended_at=start + timedelta(hours=2))
    return shift


def _commune_teams(world, count):
    teams = [make_team(UnitFactory(code=f"7090-1{number:02d}", level="group", parent=world.commune_a),
                       established_on=years_ago(3)) for number in range(count)]
    return teams


def test_rating_figures_and_the_excellent_rules(world):
    year = rules.period_of(TODAY()).year - 1  # the last full period
    period = rules.period(year)
    teams = _commune_teams(world, 10)  # 20% of 10: two excellent at most
    for team in teams[:3]:
        member = make_member(team)
        for offset in range(25):
            _shift(team, member, period.start + timedelta(days=offset * 7), done=offset != 0)  # 24 of 25 = 96%
    services.team_rate(actor=world.police_a, team=teams[0], year=year, grade="excellent")
    services.team_rate(actor=world.police_a, team=teams[1], year=year, grade="excellent")
    with pytest.raises(ServiceError, match="At most 20% of the commune's teams may be rated excellent: 2 of 10"):
        services.team_rate(actor=world.police_a, team=teams[2], year=year, grade="excellent")
    rating = TeamRating.objects.get(team=teams[0])
    assert (rating.tasks_assigned, rating.tasks_done, rating.patrols, rating.reports_handled) == (25, 24, 24, 0)
    with pytest.raises(ServiceError, match="needs more than 95% of tasks done; this team did 95.0%"):
        services.team_rate(actor=world.police_a, team=teams[3], year=year, grade="excellent", tasks_assigned=20,
                           tasks_done=19)
    with pytest.raises(ServiceError, match="already rated"):
        services.team_rate(actor=world.police_a, team=teams[0], year=year, grade="good")
    with pytest.raises(ServiceError, match="between 0 and the tasks assigned"):
        services.team_rate(actor=world.police_a, team=teams[4], year=year, grade="good", tasks_assigned=3,
                           tasks_done=4)
    services.team_rate(actor=world.police_a, team=teams[2], year=year, grade="good")
    assert TeamRating.objects.filter(year=year).count() == 3


def test_young_team_is_not_rated_and_the_future_is_refused(world):
    team = make_team(world.group_a, established_on=TODAY() - timedelta(days=30))
    current = rules.period_of(TODAY()).year
    with pytest.raises(ServiceError, match="teams with under 9 months are not rated"):
        services.team_rate(actor=world.police_a, team=team, year=current, grade="good")
    with pytest.raises(ServiceError, match="Rate a period that has started"):
        services.team_rate(actor=world.police_a, team=team, year=current + 1, grade="good")
    with pytest.raises(PermissionDeniedError):
        services.team_rate(actor=world.police_b, team=team, year=current, grade="good")
    assert TeamRating.objects.count() == 0


def test_dissolve_frees_the_group(world):
    team = make_team(world.group_a)
    with pytest.raises(ServiceError, match="Say why"):
        services.team_dissolve(actor=world.police_a, team=team, reason="")
    services.team_dissolve(actor=world.police_a, team=team, reason="Sáp nhập tổ dân phố")
    again = services.team_create(actor=world.police_a, unit=world.group_a, established_on=TODAY())
    assert (SecurityTeam.objects.get(pk=team.pk).status, again.status) == ("dissolved", "active")


def test_member_rating(world, teams):
    year = rules.period_of(TODAY()).year - 1
    period = rules.period(year)
    for offset in range(20):
        _shift(teams.team_a, teams.member_a, period.start + timedelta(days=offset * 7), done=offset != 0)  # 95%
    with pytest.raises(ServiceError, match="“Excellent” needs more than 95% of tasks done."):
        services.member_rate(actor=world.police_a, member=teams.member_a, year=year, grade="excellent")
    rating = services.member_rate(actor=world.police_a, member=teams.member_a, year=year, grade="good")
    assert (rating.tasks_assigned, rating.tasks_done) == (20, 19)
    with pytest.raises(ServiceError, match="already rated"):
        services.member_rate(actor=world.police_a, member=teams.member_a, year=year, grade="good")
    newcomer = make_member(teams.team_a, full_name="Mới vào", joined_on=TODAY() - timedelta(days=20))
    with pytest.raises(ServiceError, match="Members with under 9 months in the period are not rated."):
        services.member_rate(actor=world.police_a, member=newcomer, year=rules.period_of(TODAY()).year, grade="good")
    with pytest.raises(PermissionDeniedError):
        services.member_rate(actor=teams.leader_user_a, member=teams.leader_a, year=year, grade="excellent")
    assert AuditEvent.objects.filter(action="community.member.rate").count() == 1
