"""Fixtures of the fire-safety tests: a team of six households in group A with its leader's account."""

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.utils import timezone

from binhan.accounts.models import User
from binhan.accounts.roles import Role
from binhan.firesafety import rules
from binhan.firesafety.models import Equipment, EquipmentType, FirePoint, FireTeam, TeamHousehold
from binhan.geo.models import Household
from tests.factories import HouseholdFactory, UserFactory, grant


def make_team(unit, households, *, name="Tổ liên gia số 1") -> FireTeam:
    team = FireTeam.objects.create(unit=unit, unit_path=unit.path, name=name, leader_name="Nguyễn Văn Cường")
    for household in households:
        TeamHousehold.objects.create(team=team, household=household, unit_path=unit.path,
                                     joined_on=timezone.localdate() - timedelta(days=30))
    return team


def make_item(code: str, *, household=None, team=None, point=None, last_checked_on: date | None = None,
              **fields) -> Equipment:
    kind = EquipmentType.objects.get(code=code)
    owner = household or team or point
    checked = last_checked_on if last_checked_on is not None else timezone.localdate() - timedelta(days=10)
    return Equipment.objects.create(
        type=kind, household=household, team=team, point=point, unit_path=owner.unit_path, last_checked_on=checked,
        next_due_on=rules.next_due(interval_months=kind.interval_months, last_checked_on=checked, bought_on=None),
        **fields)


def equip_fully(household) -> None:
    for code in ("powder-extinguisher", "crowbar", "alarm-bell"):
        make_item(code, household=household)


def make_point(unit, **fields) -> FirePoint:
    values = {"name": "Điểm chữa cháy ngõ 5", "alley": "Ngõ 5", "alley_length_m": 120, "lat": 21.0, "lon": 107.0,
              "has_sign": True, "has_shelter": True}
    values.update(fields)
    return FirePoint.objects.create(unit=unit, unit_path=unit.path, **values)


@dataclass
class Fire:
    team: FireTeam
    households: list[Household]  # the team's six households; households[0] is world.household_a
    fire_leader: User  # fire-team leader at group A
    team_b: FireTeam


@pytest.fixture
def fire(world) -> Fire:
    households = [world.household_a, *HouseholdFactory.create_batch(5, unit=world.group_a)]
    fire_leader = UserFactory(username="fire-leader-a")
    grant(fire_leader, world.group_a, Role.FIRE_TEAM_LEADER)
    team = make_team(world.group_a, households)
    team.leader_user = fire_leader
    team.save(update_fields=["leader_user"])
    team_b = make_team(world.group_b, [world.household_b], name="Tổ liên gia B")
    return Fire(team=team, households=households, fire_leader=fire_leader, team_b=team_b)
