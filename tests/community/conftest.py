"""Fixtures of the community tests: a model type, a team in each commune, members with accounts."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from binhan.accounts.models import User
from binhan.accounts.roles import Role
from binhan.community.models import ModelType, Position, SecurityTeam, TeamArea, TeamMember
from tests.factories import UserFactory, grant


def years_ago(years: int, days: int = 0) -> date:
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - years)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - years, day=28)
    return day - timedelta(days=days)


def make_team(unit, *, established_on=None, name="Tổ bảo vệ ANTT", commune=None) -> SecurityTeam:
    team = SecurityTeam.objects.create(unit=unit, unit_path=unit.path, commune=commune or unit.parent,
                                       name=name, established_on=established_on or years_ago(2))
    TeamArea.objects.create(team=team, unit=unit)
    return team


def make_member(team, *, full_name="Trần Văn Bình", position=Position.MEMBER, user=None, **fields) -> TeamMember:
    values = {"date_of_birth": years_ago(40), "education": "upper_secondary", "resident_since": years_ago(10),
              "joined_on": years_ago(1), "phone": "0912000111", "address": "Số 3 ngõ 5", "allowance": 1_200_000}
    values.update(fields)
    return TeamMember.objects.create(team=team, unit_path=team.unit_path, full_name=full_name, position=position,
                                     user=user, **values)


@dataclass
class Teams:
    team_a: SecurityTeam
    team_b: SecurityTeam
    leader_a: TeamMember
    member_a: TeamMember
    member_b: TeamMember
    security_user_a: User  # the account of member_a, a security member at group A
    leader_user_a: User
    security_user_b: User


@pytest.fixture
def camera_type(db) -> ModelType:
    return ModelType.objects.get(code="security-cameras", province=None)


@pytest.fixture
def teams(world) -> Teams:
    security_user_a = UserFactory(username="security-a")
    grant(security_user_a, world.group_a, Role.SECURITY_MEMBER)
    leader_user_a = UserFactory(username="team-leader-a")
    grant(leader_user_a, world.group_a, Role.SECURITY_MEMBER)
    security_user_b = UserFactory(username="security-b")
    grant(security_user_b, world.group_b, Role.SECURITY_MEMBER)
    team_a = make_team(world.group_a, name="Tổ bảo vệ ANTT tổ 1 An Sinh")
    team_b = make_team(world.group_b, name="Tổ bảo vệ ANTT tổ 1 Đông Triều")
    return Teams(
        team_a=team_a, team_b=team_b,
        leader_a=make_member(team_a, full_name="Nguyễn Văn Trưởng", position=Position.LEADER, user=leader_user_a),
        member_a=make_member(team_a, full_name="Lê Văn An", user=security_user_a),
        member_b=make_member(team_b, full_name="Phạm Văn Bảo", user=security_user_b),
        security_user_a=security_user_a, leader_user_a=leader_user_a, security_user_b=security_user_b,
    )
