"""Writes: each validates, saves, audits and publishes; a refused write stores nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.models import AuditEvent, OutboxEvent
from binhan.firesafety import services
from binhan.firesafety.models import Equipment, Finding, Inspection, Reminder, TeamHousehold
from binhan.firesafety.rules import add_months
from binhan.firesafety.services import drills as drill_services
from binhan.firesafety.services import inspections as inspection_services
from binhan.firesafety.services import points as point_services
from binhan.firesafety.services import teams as team_services
from binhan.firesafety.services.reminders import reminders_run
from tests.factories import HouseholdFactory
from tests.firesafety.conftest import make_item, make_point

pytestmark = pytest.mark.django_db


def test_equipment_add_computes_due_date_audits_and_emits(world, fire):
    checked = timezone.localdate() - timedelta(days=40)
    item = services.equipment_add(actor=world.police_a, household=world.household_a, type_code="co2-extinguisher",
                                  quantity=2, capacity_kg="5", last_checked_on=checked, source="handover")
    assert (item.next_due_on, item.capacity_kg, item.unit_path, item.source) == (
        add_months(checked, 6), Decimal("5.0"), world.group_a.path, "handover")
    audit = AuditEvent.objects.get(action="firesafety.equipment.add")
    assert (audit.actor, audit.unit_path, audit.changes["type"]) == (world.police_a, world.group_a.path,
                                                                    [None, "co2-extinguisher"])
    event = OutboxEvent.objects.get(name="firesafety.equipment.changed")
    assert (event.unit_path, event.payload) == (world.group_a.path, {
        "equipment_id": item.pk, "action": "added", "household_id": world.household_a.pk, "team_id": None,
        "point_id": None})


def test_capacity_is_ignored_for_a_type_without_one(world, fire):
    item = services.equipment_add(actor=world.police_a, household=world.household_a, type_code="crowbar",
                                  capacity_kg=4)
    assert (item.capacity_kg, item.next_due_on) == (None, None)


@pytest.mark.parametrize(("fields", "field"), [
    ({"type_code": "flamethrower"}, "type_code"),
    ({"type_code": "crowbar", "quantity": 0}, "quantity"),
    ({"type_code": "crowbar", "quantity": 501}, "quantity"),
    ({"type_code": "powder-extinguisher", "capacity_kg": "abc"}, "capacity_kg"),
    ({"type_code": "powder-extinguisher", "capacity_kg": 900}, "capacity_kg"),
    ({"type_code": "crowbar", "bought_on": timezone.localdate() + timedelta(days=1)}, "bought_on"),
    ({"type_code": "crowbar", "condition": "shiny"}, "condition"),
    ({"type_code": "crowbar", "serial": "x" * 61}, "serial"),
])
def test_bad_equipment_stores_nothing(world, fire, fields, field):
    with pytest.raises(ServiceError) as error:
        services.equipment_add(actor=world.police_a, household=world.household_a, **fields)
    assert (error.value.field, Equipment.objects.count(), AuditEvent.objects.count()) == (field, 0, 0)


def test_equipment_needs_exactly_one_owner(world, fire):
    with pytest.raises(ServiceError):
        services.equipment_add(actor=world.police_a, household=world.household_a, team=fire.team,
                               type_code="crowbar")
    assert Equipment.objects.count() == 0


@pytest.mark.parametrize("name", ["police_b", "auditor_a", "outsider", "resident_a"])
def test_equipment_elsewhere_is_refused_and_changes_nothing(world, fire, name):
    other = HouseholdFactory(unit=world.group_a)
    with pytest.raises(PermissionDeniedError):
        services.equipment_add(actor=getattr(world, name), household=other, type_code="crowbar")
    assert (Equipment.objects.count(), AuditEvent.objects.filter(action__startswith="firesafety").count()) == (0, 0)


def test_resident_keeps_own_household_equipment(world, fire):
    world.resident_a.household = world.household_a
    world.resident_a.save()
    item = services.equipment_add(actor=world.resident_a, household=world.household_a, type_code="smoke-detector",
                                  bought_on=timezone.localdate())
    services.equipment_check(actor=world.resident_a, equipment=item)
    services.equipment_retire(actor=world.resident_a, equipment=item)
    item.refresh_from_db()
    assert (item.last_checked_on, item.retired_on) == (timezone.localdate(), timezone.localdate())
    assert list(AuditEvent.objects.filter(action__startswith="firesafety").values_list("action", flat=True)
                .order_by("id")) == ["firesafety.equipment.add", "firesafety.equipment.update",
                                     "firesafety.equipment.retire"]


def test_check_moves_the_due_date(world, fire):
    item = make_item("powder-extinguisher", household=world.household_a,
                     last_checked_on=timezone.localdate() - timedelta(days=400))
    today = timezone.localdate()
    services.equipment_check(actor=fire.fire_leader, equipment=item, on=today)
    item.refresh_from_db()
    assert item.next_due_on == add_months(today, 12)
    assert OutboxEvent.objects.get(name="firesafety.equipment.changed").payload["action"] == "updated"


def test_team_create_and_households_join_and_leave(world, fire):
    newcomers = HouseholdFactory.create_batch(2, unit=world.group_a)
    team = team_services.team_create(actor=fire.fire_leader, unit=world.group_a, name=" Tổ liên gia số 2 ",
                                     households=newcomers)
    assert (team.name, team.memberships.filter(left_on__isnull=True).count()) == ("Tổ liên gia số 2", 2)
    team_services.team_remove_household(actor=fire.fire_leader, team=team, household=newcomers[0])
    assert list(AuditEvent.objects.filter(object_id=str(team.pk), action__startswith="firesafety.team")
                .values_list("action", flat=True).order_by("id")) == [
        "firesafety.team.create", "firesafety.team.join", "firesafety.team.join", "firesafety.team.leave"]
    assert OutboxEvent.objects.filter(name="firesafety.team.changed").count() == 4


@pytest.mark.parametrize(("which", "message"), [
    ("member", "This household is already in another team."),
    ("other_group", "A team joins households of its own residential group."),
])
def test_a_household_joins_one_team_of_its_own_group(world, fire, which, message):
    team = team_services.team_create(actor=world.police_a, unit=world.group_a, name="Tổ 2")
    household = fire.households[1] if which == "member" else world.household_b
    with pytest.raises(ServiceError) as error:
        team_services.team_add_household(actor=world.police_a, team=team, household=household)
    assert (error.value.message, TeamHousehold.objects.filter(team=team).count()) == (message, 0)


def test_team_at_a_commune_is_refused(world):
    with pytest.raises(ServiceError):
        team_services.team_create(actor=world.police_a, unit=world.commune_a, name="Tổ")


def test_inspection_with_failed_items_opens_findings(world, fire, django_capture_on_commit_callbacks):
    household = fire.households[2]
    inspection = inspection_services.inspection_record(
        actor=fire.fire_leader, household=household,
        results={"extinguisher": False, "alarm": False, "escape_route": True},
        notes={"extinguisher": "Bình quá hạn"})
    findings = list(inspection.findings.order_by("item").values_list("item", "assignee", "note", "team_id"))
    assert findings == [("alarm", "leader", "", fire.team.pk), ("extinguisher", "household", "Bình quá hạn",
                                                               fire.team.pk)]
    assert (inspection.passed, inspection.team_id) == (False, fire.team.pk)
    assert inspection.findings.first().follow_up_on == timezone.localdate() + timedelta(days=14)
    event = OutboxEvent.objects.get(name="firesafety.inspection.recorded")
    assert event.payload == {"inspection_id": inspection.pk, "team_id": fire.team.pk,
                             "household_id": household.pk, "point_id": None, "failed": 2}


@pytest.mark.parametrize("results", [{}, {"unicorn": True}, {"alarm": "yes"}, []])
def test_bad_checklist_stores_nothing(world, fire, results):
    with pytest.raises(ServiceError):
        inspection_services.inspection_record(actor=fire.fire_leader, household=world.household_a, results=results)
    assert (Inspection.objects.count(), Finding.objects.count()) == (0, 0)


def test_finding_closed_by_the_household_it_was_given_to(world, fire):
    inspection = inspection_services.inspection_record(actor=fire.fire_leader, household=world.household_a,
                                                       results={"gas": False})
    world.resident_a.household = world.household_a
    world.resident_a.save()
    finding = inspection.findings.get()
    inspection_services.finding_close(actor=world.resident_a, finding=finding)
    finding.refresh_from_db()
    assert (finding.status, finding.closed_by) == ("closed", world.resident_a)
    with pytest.raises(ServiceError):
        inspection_services.finding_close(actor=world.resident_a, finding=finding)


def test_finding_of_another_commune_cannot_be_closed(world, fire):
    inspection = inspection_services.inspection_record(actor=world.police_b, household=world.household_b,
                                                       results={"gas": False})
    with pytest.raises(PermissionDeniedError):
        inspection_services.finding_close(actor=world.police_a, finding=inspection.findings.get())
    assert Finding.objects.get().status == "open"


def test_drill_record_and_competition_ranking(world, fire):
    drill = drill_services.drill_record(actor=fire.fire_leader, unit=world.group_a, teams=[fire.team],
                                        held_on=timezone.localdate(), scenario="Cháy bếp gas", participants=12)
    assert OutboxEvent.objects.get(name="firesafety.drill.recorded").payload == {
        "drill_id": drill.pk, "team_ids": [fire.team.pk]}
    with pytest.raises(ServiceError):
        drill_services.drill_record(actor=world.police_a, unit=world.commune_a, teams=[fire.team_b],
                                    held_on=timezone.localdate(), scenario="X")
    with pytest.raises(PermissionDeniedError):
        drill_services.competition_create(actor=fire.fire_leader, unit=world.commune_a, year=2026, name="Hội thi")
    competition = drill_services.competition_create(actor=world.police_a, unit=world.commune_a, year=2026,
                                                    name="Hội thi")
    drill_services.score_record(actor=world.police_a, competition=competition, team=fire.team, round="Lý thuyết",
                                points="88.5")
    drill_services.score_record(actor=world.police_a, competition=competition, team=fire.team, round="Lý thuyết",
                                points="90")
    assert competition.scores.get().points == Decimal("90.00")
    with pytest.raises(ServiceError):
        drill_services.score_record(actor=world.police_a, competition=competition, team=fire.team_b, round="A",
                                    points=5)


def test_point_create_checks_team_and_coordinates(world, fire):
    with pytest.raises(ServiceError):
        point_services.point_create(actor=world.police_a, unit=world.group_a, name="Điểm", lat=21.0)
    with pytest.raises(ServiceError):
        point_services.point_create(actor=world.police_a, unit=world.group_a, name="Điểm", team=fire.team_b)
    point = point_services.point_create(actor=world.police_a, unit=world.group_a, name=" Điểm ngõ 7 ", lat=21.0,
                                        lon=107.1, team=fire.team, alley_length_m=80)
    assert (point.name, point.team, point.unit_path) == ("Điểm ngõ 7", fire.team, world.group_a.path)


def test_reminders_are_added_once(world, fire):
    today = timezone.localdate()
    overdue = make_item("powder-extinguisher", household=world.household_a,
                        last_checked_on=today - timedelta(days=400))
    soon = make_item("co2-extinguisher", household=fire.households[1],
                     last_checked_on=today - timedelta(days=175))
    make_item("crowbar", household=fire.households[2])  # due in a year: no reminder
    point = make_point(world.group_a, team=fire.team)
    make_item("hammer", point=point, last_checked_on=today - timedelta(days=370))
    created = reminders_run(on=today)
    assert sorted((r.equipment_id, r.kind, r.team_id) for r in created if r.equipment_id in (overdue.pk, soon.pk)) \
        == sorted([(overdue.pk, "overdue", fire.team.pk), (soon.pk, "due_soon", fire.team.pk)])
    assert (len(created), Reminder.objects.filter(team=fire.team).count()) == (3, 3)
    assert reminders_run(on=today) == []
    assert OutboxEvent.objects.get(name="firesafety.reminders.created").payload == {"team_id": fire.team.pk,
                                                                                   "count": 3}
