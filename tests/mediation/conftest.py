"""Fixtures of the mediation tests: a team in each commune's group, mediators with accounts, a case helper."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from binhan.accounts.models import User
from binhan.accounts.roles import Role
from binhan.mediation.models import CaseStatus, MediationCase, MediationTeam, Mediator, Party
from binhan.mediation.services.cases import PartyIn
from tests.factories import UserFactory, grant


def make_team(unit, *, name="Tổ hòa giải", minority_area=False) -> MediationTeam:
    return MediationTeam.objects.create(unit=unit, unit_path=unit.path, commune=unit.parent, name=name,
                                        minority_area=minority_area, established_on=date(2020, 1, 1))


def make_mediator(team, full_name, *, gender="male", position=Mediator.Position.MEDIATOR, user=None,
                  **fields) -> Mediator:
    fields.setdefault("appointed_on", date(2021, 1, 1))
    return Mediator.objects.create(team=team, unit_path=team.unit_path, full_name=full_name, gender=gender,
                                   position=position, user=user, phone="0912345678", address="Số 5 ngõ 3",
                                   date_of_birth=date(1970, 5, 1), **fields)


def make_case(team, *, status=CaseStatus.OPEN, received_on=None, dispute_type="neighbour_land",
              description="Tranh chấp ranh giới đất", **fields) -> MediationCase:
    case = MediationCase.objects.create(team=team, unit_path=team.unit_path, source="mediator", status=status,
                                        dispute_type=dispute_type, description=description,
                                        received_on=received_on or timezone.localdate(), **fields)
    Party.objects.create(case=case, unit_path=case.unit_path, role="requester", full_name="Nguyễn Văn Hùng", age=52,
                         address="Số 3 ngõ 5")
    Party.objects.create(case=case, unit_path=case.unit_path, role="other_side", full_name="Trần Thị Lan", age=47,
                         address="Số 5 ngõ 5")
    return case


PARTIES = [PartyIn(role="requester", full_name="Nguyễn Văn Hùng", age=52, address="Số 3 ngõ 5"),
           PartyIn(role="other_side", full_name="Trần Thị Lan", age=47, address="Số 5 ngõ 5")]


def create_case(actor, team, **fields) -> MediationCase:
    """A case through the service (intake at once), with two parties unless told otherwise."""
    from binhan.mediation.services.cases import case_create

    values = {"source": "mediator", "dispute_type": "neighbour_land", "description": "Tranh chấp lối đi chung",
              "parties": PARTIES, **fields}
    return case_create(actor=actor, team=team, **values)


def days_ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@dataclass
class Teams:
    team_a: MediationTeam
    team_b: MediationTeam
    leader_a: Mediator
    mediator_a: Mediator  # assigned in tests
    other_a: Mediator  # same team, not assigned
    woman_a: Mediator
    mediator_b: Mediator
    leader_user_a: User
    mediator_user_a: User
    other_user_a: User
    mediator_user_b: User


@pytest.fixture
def teams(world) -> Teams:
    def account(name, unit):
        user = UserFactory(username=name)
        grant(user, unit, Role.MEDIATOR)
        return user

    leader_user_a = account("mediator-leader-a", world.group_a)
    mediator_user_a = account("mediator-a", world.group_a)
    other_user_a = account("mediator-other-a", world.group_a)
    mediator_user_b = account("mediator-b", world.group_b)
    team_a = make_team(world.group_a, name="Tổ hòa giải tổ 1 An Sinh")
    team_b = make_team(world.group_b, name="Tổ hòa giải tổ 1 Đông Triều")
    return Teams(
        team_a=team_a, team_b=team_b,
        leader_a=make_mediator(team_a, "Phạm Văn Trưởng", position=Mediator.Position.LEADER, user=leader_user_a),
        mediator_a=make_mediator(team_a, "Lê Văn An", user=mediator_user_a),
        other_a=make_mediator(team_a, "Đỗ Văn Khác", user=other_user_a),
        woman_a=make_mediator(team_a, "Nguyễn Thị Hoa", gender="female"),
        mediator_b=make_mediator(team_b, "Vũ Văn Bảo", position=Mediator.Position.LEADER, user=mediator_user_b),
        leader_user_a=leader_user_a, mediator_user_a=mediator_user_a, other_user_a=other_user_a,
        mediator_user_b=mediator_user_b,
    )
