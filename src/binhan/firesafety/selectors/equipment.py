"""Equipment lists, the overdue register per team, group and commune, and findings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.firesafety import rules
from binhan.firesafety.models import Equipment, EquipmentType, Finding, FireTeam, Reminder, TeamHousehold
from binhan.geo.models import AdministrativeUnit

STATUSES = ("", "overdue", "due_soon", "unknown")


@dataclass(frozen=True)
class EquipmentFilters:
    unit: AdministrativeUnit | None = None
    team: FireTeam | None = None
    status: str = ""  # "", "overdue", "due_soon" (within REMIND_DAYS), "unknown" (no due date)
    type_code: str = ""


def equipment_types() -> QuerySet[EquipmentType]:
    return EquipmentType.objects.filter(is_active=True).order_by("order", "code")


def _team_of_household():
    return Subquery(TeamHousehold.objects.filter(household=OuterRef("household_id"), left_on__isnull=True)
                    .order_by().values("team_id")[:1])


def equipment_list(*, viewer, filters: EquipmentFilters | None = None, on: date | None = None) -> QuerySet[Equipment]:
    """Items in use (not removed) the viewer may see; household items carry their team (`household_team`)."""
    filters = filters or EquipmentFilters()
    on = on or timezone.localdate()
    items = scoping.visible(Equipment.objects.filter(retired_on__isnull=True), viewer)
    if filters.unit is not None:
        items = items.filter(paths.under("unit_path", filters.unit.path))
    if filters.team is not None:
        members = TeamHousehold.objects.filter(team=filters.team, left_on__isnull=True).values("household_id")
        items = items.filter(household_id__in=members) | items.filter(team=filters.team)
    if filters.status == "overdue":
        items = items.filter(next_due_on__lt=on)
    elif filters.status == "due_soon":
        items = items.filter(next_due_on__gte=on, next_due_on__lte=on + timedelta(days=rules.REMIND_DAYS))
    elif filters.status == "unknown":
        items = items.filter(next_due_on__isnull=True)
    if filters.type_code:
        items = items.filter(type__code=filters.type_code)
    return (items.select_related("type", "household", "point", "team")
            .annotate(household_team=_team_of_household())
            .order_by("next_due_on", "unit_path", "id"))


def household_equipment(*, household_id: int) -> QuerySet[Equipment]:
    """A household's own items (the resident's page, or a household inside a team page)."""
    return (Equipment.objects.filter(household_id=household_id, retired_on__isnull=True).select_related("type")
            .order_by("type__order", "id"))


def equipment_get(*, viewer, pk: int) -> Equipment:
    return scoping.get_visible_or_404(Equipment.objects.select_related("type", "household", "team", "point"),
                                      viewer, pk=pk)


@dataclass(frozen=True)
class OverdueRow:
    unit: AdministrativeUnit
    items: int
    owners: int  # households, teams and points with at least one overdue item


def overdue_by_area(*, viewer, unit: AdministrativeUnit, on: date | None = None) -> list[OverdueRow]:
    """Overdue items under `unit`, per child unit (communes of a province, groups of a commune)."""
    on = on or timezone.localdate()
    items = (scoping.visible(Equipment.objects.filter(retired_on__isnull=True, next_due_on__lt=on), viewer)
             .filter(paths.under("unit_path", unit.path)))
    depth = len(paths.codes(unit.path)) + 1
    counts: dict[str, int] = defaultdict(int)
    owners: dict[str, set] = defaultdict(set)
    for unit_path, household, team, point, number in (
            items.values_list("unit_path", "household_id", "team_id", "point_id").annotate(n=Count("id"))
            .order_by()):
        key = paths.truncate(unit_path, depth)
        counts[key] += number
        owners[key].add((household, team, point))
    children = {u.path: u for u in AdministrativeUnit.objects.filter(path__in=list(counts))}
    return sorted((OverdueRow(unit=children[p], items=counts[p], owners=len(owners[p]))
                   for p in counts if p in children), key=lambda row: (-row.items, row.unit.path))


def overdue_by_team(*, viewer, unit: AdministrativeUnit, on: date | None = None, limit: int = 200) -> list[dict]:
    """Teams under `unit` with overdue items of their households, team and points, most first."""
    on = on or timezone.localdate()
    items = (scoping.visible(Equipment.objects.filter(retired_on__isnull=True, next_due_on__lt=on), viewer)
             .filter(paths.under("unit_path", unit.path))
             .annotate(household_team=_team_of_household()))
    counts: dict[int, int] = defaultdict(int)
    for household_team, team, point_team in items.values_list("household_team", "team_id", "point__team_id"):
        owner = household_team or team or point_team
        if owner:
            counts[owner] += 1
    top = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    teams = FireTeam.objects.in_bulk([pk for pk, _n in top])
    return [{"team": teams[pk], "items": n} for pk, n in top if pk in teams]


def live_reminders(*, team: FireTeam | None = None, household=None) -> QuerySet[Reminder]:
    """Reminders still true: the item is in use and its due date has not moved on since (checked items drop out)."""
    reminders = Reminder.objects.filter(equipment__retired_on__isnull=True, equipment__next_due_on=F("due_on"))
    if team is not None:
        reminders = reminders.filter(team=team)
    if household is not None:
        reminders = reminders.filter(equipment__household=household)
    return reminders.select_related("equipment", "equipment__type", "equipment__household").order_by("due_on", "id")


def finding_list(*, viewer, unit: AdministrativeUnit | None = None, team: FireTeam | None = None,
                 status: str = Finding.Status.OPEN) -> QuerySet[Finding]:
    findings = scoping.visible(Finding.objects.all(), viewer)
    if unit is not None:
        findings = findings.filter(paths.under("unit_path", unit.path))
    if team is not None:
        findings = findings.filter(team=team)
    if status:
        findings = findings.filter(status=status)
    return (findings.select_related("inspection", "inspection__household", "inspection__point", "team")
            .order_by("follow_up_on", "id"))


def finding_get(*, viewer, pk: int) -> Finding:
    return scoping.get_visible_or_404(Finding.objects.select_related("inspection"), viewer, pk=pk)
