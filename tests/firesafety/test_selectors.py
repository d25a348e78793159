"""Reads: readiness on a small known example, the overdue register, points' state, scoping, fire reports."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from binhan.core.models import AuditEvent
from binhan.firesafety.models import Drill, Finding, Inspection
from binhan.firesafety.selectors import equipment as equipment_selectors
from binhan.firesafety.selectors import points as point_selectors
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.firesafety.selectors import reports as report_selectors
from binhan.firesafety.selectors import teams as team_selectors
from tests.factories import make_report
from tests.firesafety.conftest import equip_fully, make_item, make_point, make_team

pytestmark = pytest.mark.django_db


def _known_example(world, fire):
    """Team A: 6 households; 3 fully equipped and in date; a 4th with an overdue extinguisher; a 5th
    with only a broken alarm; one open and one closed finding; a drill 18 months ago."""
    today = timezone.localdate()
    for household in fire.households[:3]:
        equip_fully(household)
    make_item("powder-extinguisher", household=fire.households[3], last_checked_on=today - timedelta(days=400))
    make_item("crowbar", household=fire.households[3])
    make_item("push-button", household=fire.households[3])
    make_item("alarm-bell", household=fire.households[4], condition="broken")
    inspection = Inspection.objects.create(household=fire.households[4], team=fire.team,
                                           unit_path=fire.team.unit_path, inspected_on=today, items={"gas": False},
                                           passed=False)
    for status in ("open", "closed"):
        Finding.objects.create(inspection=inspection, team=fire.team, unit_path=fire.team.unit_path, item="gas",
                               follow_up_on=today, status=status)
    drill = Drill.objects.create(unit=world.group_a, unit_path=world.group_a.path, held_on=today - timedelta(days=548),
                                 scenario="Cháy")
    drill.teams.set([fire.team])


def test_team_readiness_exact_value(world, fire, django_assert_num_queries):
    _known_example(world, fire)
    # households and equipped, open findings, last drills
    with django_assert_num_queries(3):
        result = readiness_selectors.team_readiness(team_ids=[fire.team.pk, fire.team_b.pk])
    # 60 × 3/6 + 20 × 0.5 + 20 × (1 − 1/6) = 30 + 10 + 16.67 = 56.7
    assert result[fire.team.pk] == readiness_selectors.Readiness(
        households=6, equipped=3, open_findings=1, teams=1, drilled_teams=0, score=56.7)
    # Team B: one household, nothing kept, no drill, no finding → 20
    assert result[fire.team_b.pk].score == 20.0


def test_area_readiness_weights_by_households(world, fire):
    _known_example(world, fire)
    province = readiness_selectors.readiness(viewer=world.province_leader, unit=world.province)
    # (56.7 × 6 + 20 × 1) / 7 = 51.5
    assert (province.score, province.households, province.equipped, province.teams) == (51.5, 7, 3, 2)
    assert readiness_selectors.readiness_for_path(unit_path=world.province.path) == province
    by_commune = readiness_selectors.readiness_by_child(viewer=world.province_leader, unit=world.province)
    assert [(unit.code, r.score) for unit, r in by_commune] == [("7090", 56.7), ("7093", 20.0)]


def test_readiness_sees_only_the_viewers_teams(world, fire):
    _known_example(world, fire)
    seen = readiness_selectors.readiness(viewer=world.police_a, unit=world.province)
    assert (seen.teams, seen.score) == (1, 56.7)


def test_team_households_flags(world, fire):
    _known_example(world, fire)
    rows = {m.household_id: (m.has_extinguisher, m.has_demolition, m.has_alarm, m.has_overdue)
            for m in team_selectors.team_households(team=fire.team)}
    assert rows[fire.households[0].pk] == (True, True, True, False)
    assert rows[fire.households[3].pk] == (False, True, True, True)
    assert rows[fire.households[4].pk] == (False, False, False, False)


def test_overdue_register_per_area_and_team(world, fire):
    today = timezone.localdate()
    make_item("powder-extinguisher", household=fire.households[0], last_checked_on=today - timedelta(days=400))
    make_item("alarm-bell", household=fire.households[1], last_checked_on=today - timedelta(days=200))
    make_item("crowbar", household=fire.households[1])
    make_item("crowbar", household=world.household_b, last_checked_on=today - timedelta(days=800))
    point = make_point(world.group_a, team=fire.team)
    make_item("hammer", point=point, last_checked_on=today - timedelta(days=370))
    retired = make_item("axe", household=fire.households[2], last_checked_on=today - timedelta(days=900))
    retired.retired_on = today
    retired.save()
    by_commune = equipment_selectors.overdue_by_area(viewer=world.province_leader, unit=world.province)
    assert [(row.unit.code, row.items, row.owners) for row in by_commune] == [("7090", 3, 3), ("7093", 1, 1)]
    by_group = equipment_selectors.overdue_by_area(viewer=world.police_a, unit=world.commune_a)
    assert [(row.unit.code, row.items) for row in by_group] == [("7090-001", 3)]
    by_team = equipment_selectors.overdue_by_team(viewer=world.province_leader, unit=world.province)
    assert [(row["team"].pk, row["items"]) for row in by_team] == [(fire.team.pk, 3), (fire.team_b.pk, 1)]
    listed = equipment_selectors.equipment_list(viewer=world.police_a, filters=equipment_selectors.EquipmentFilters(
        status="overdue"))
    assert sorted(item.type.code for item in listed) == ["alarm-bell", "hammer", "powder-extinguisher"]


def test_point_state(world, fire):
    today = timezone.localdate()
    complete = make_point(world.group_a, name="A")
    make_item("powder-extinguisher", point=complete)
    make_item("hydraulic-pliers", point=complete)
    overdue = make_point(world.group_a, name="B")
    make_item("powder-extinguisher", point=overdue)
    make_item("crowbar", point=overdue)
    make_item("hammer", point=overdue, last_checked_on=today - timedelta(days=400))
    missing = make_point(world.group_a, name="C")
    make_item("powder-extinguisher", point=missing)
    unsigned = make_point(world.group_a, name="D", has_sign=False)
    make_item("powder-extinguisher", point=unsigned)
    make_item("crowbar", point=unsigned)
    states = {p.name: point_selectors.state_of(p) for p in point_selectors.point_list(viewer=world.police_a)}
    assert states == {"A": "complete", "B": "overdue", "C": "missing", "D": "missing"}


def test_cross_commune_team_is_404_and_audited(world, fire):
    with pytest.raises(Http404):
        team_selectors.team_get(viewer=world.police_a, pk=fire.team_b.pk)
    denied = AuditEvent.objects.get(action="access.denied")
    assert (denied.actor, denied.object_type, denied.object_id) == (
        world.police_a, "firesafety.fireteam", str(fire.team_b.pk))


def test_fire_report_nearest_points_and_households_with_extinguishers(world, fire):
    near = make_point(world.group_a, name="Gần", lat=21.0005, lon=107.0)
    far = make_point(world.group_a, name="Xa", lat=21.01, lon=107.0)
    make_point(world.group_b, name="Xã khác", lat=21.0001, lon=107.0)
    equip_fully(fire.households[0])
    make_item("co2-extinguisher", household=fire.households[1], last_checked_on=timezone.localdate() - timedelta(
        days=300))  # overdue
    report = make_report(unit=world.group_a, category_code="fire", lat=21.0, lon=107.0)
    points = report_selectors.nearest_points(viewer=world.police_a, report=report)
    assert [(p.pk, metres) for p, metres, _state in points] == [(near.pk, 56), (far.pk, 1112)]
    households = report_selectors.households_with_extinguisher(viewer=world.police_a, report=report)
    assert [(m.household_id, metres) for m, metres in households] == [(fire.households[0].pk, None)]
    assert list(report_selectors.fire_reports(viewer=world.police_a, unit_path=world.group_a.path)) == [report]
    assert list(report_selectors.fire_reports(viewer=fire.fire_leader, unit_path=world.group_a.path)) == []


def test_team_with_no_households_scores_zero(world):
    team = make_team(world.group_a, [])
    assert readiness_selectors.team_readiness(team_ids=[team.pk])[team.pk].score == 0.0


def test_team_list_counts_households_once_whatever_the_findings(world, fire):
    inspection = Inspection.objects.create(household=fire.households[0], team=fire.team,
                                           unit_path=fire.team.unit_path, inspected_on=timezone.localdate(),
                                           items={"gas": False, "alarm": False}, passed=False)
    for status in ("open", "open", "closed"):
        Finding.objects.create(inspection=inspection, team=fire.team, unit_path=fire.team.unit_path, item="gas",
                               follow_up_on=timezone.localdate(), status=status)
    team = team_selectors.team_list(viewer=world.police_a).get(pk=fire.team.pk)
    assert (team.household_count, team.open_findings) == (6, 2)
