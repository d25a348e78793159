"""The fire-safety demo step: teams of 5–15 households of their group, equipment with some overdue, points,
inspections, drills; ids and sequences right; removable."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count, F
from django.utils import timezone

from binhan.firesafety import services
from binhan.firesafety.models import (
    Competition,
    Drill,
    Equipment,
    Finding,
    FirePoint,
    FireTeam,
    Inspection,
    Reminder,
    TeamHousehold,
)
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.geo.models import AdministrativeUnit, Household, Level
from tests.demo_data import remove_firesafety_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", "--size", "tiny", "--seed", "5", stdout=io.StringIO())


def test_teams_join_5_to_15_households_of_their_group(demo):
    groups = AdministrativeUnit.objects.filter(level=Level.GROUP).count()
    assert groups <= FireTeam.objects.count() <= 2 * groups
    sizes = TeamHousehold.objects.values("team").annotate(n=Count("id")).values_list("n", flat=True)
    assert (min(sizes), max(sizes)) >= (5, 5) and max(sizes) <= 15
    assert not TeamHousehold.objects.exclude(household__unit_id=F("team__unit_id")).exists()
    assert FireTeam.objects.filter(leader_user__username="demo-fire-team-leader").count() == 1


def test_equipment_has_realistic_ages(demo):
    today = timezone.localdate()
    items = Equipment.objects.count()
    overdue = Equipment.objects.filter(next_due_on__lt=today).count()
    assert 0.15 * items < overdue < 0.5 * items
    assert not Equipment.objects.filter(next_due_on__isnull=True).exists()
    assert (FirePoint.objects.count(), Inspection.objects.count(), Drill.objects.count(),
            Competition.objects.count()) > (0, 0, 0, 0)
    assert Finding.objects.filter(status="open").exists()
    assert Reminder.objects.filter(kind="overdue").count() == Equipment.objects.filter(next_due_on__lt=today).count()


def test_readiness_of_the_province(demo):
    province = AdministrativeUnit.objects.get(level=Level.PROVINCE)
    readiness = readiness_selectors.readiness_for_path(unit_path=province.path)
    assert readiness.teams == FireTeam.objects.count()
    assert 10 < readiness.score < 90


def test_new_rows_after_the_demo_get_fresh_ids(demo):
    from binhan.accounts.models import User

    police = User.objects.get(username="demo-commune-police")
    household = Household.objects.filter(unit__parent__memberships__user=police).first()
    item = services.equipment_add(actor=police, household=household, type_code="crowbar")
    assert item.pk > Equipment.objects.exclude(pk=item.pk).order_by("-pk").first().pk


def test_demo_firesafety_data_can_be_removed(demo):
    remove_firesafety_data()
    assert (FireTeam.objects.count(), Equipment.objects.count(), FirePoint.objects.count()) == (0, 0, 0)


def test_demo_places_nine_households_in_ten_near_their_groups_centre(demo):
    from binhan.reports.locate import distance_m

    members = list(TeamHousehold.objects.select_related("team__unit"))
    placed = [m for m in members if m.lat is not None]
    assert 0.75 * len(members) <= len(placed) < len(members)
    assert max(distance_m(m.lat, m.lon, m.team.unit.centre_lat, m.team.unit.centre_lon) for m in placed) < 500
