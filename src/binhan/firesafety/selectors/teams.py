"""Teams, their households and what each household keeps."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.firesafety.models import REQUIRED, Equipment, Finding, FireTeam, TeamHousehold
from binhan.firesafety.selectors._common import has_in_date
from binhan.geo.models import AdministrativeUnit


@dataclass(frozen=True)
class TeamFilters:
    unit: AdministrativeUnit | None = None
    query: str = ""
    status: str = FireTeam.Status.ACTIVE


def team_list(*, viewer, filters: TeamFilters | None = None) -> QuerySet[FireTeam]:
    filters = filters or TeamFilters()
    teams = scoping.visible(FireTeam.objects.all(), viewer)
    if filters.unit is not None:
        teams = teams.filter(paths.under("unit_path", filters.unit.path))
    if filters.status:
        teams = teams.filter(status=filters.status)
    if filters.query:
        teams = teams.filter(name__icontains=filters.query)
    return (teams.select_related("unit")
            # Both counts join the team's rows: each must be distinct, or the findings multiply the households.
            .annotate(household_count=Count("memberships", filter=Q(memberships__left_on__isnull=True),
                                            distinct=True),
                      open_findings=Count("findings", filter=Q(findings__status=Finding.Status.OPEN), distinct=True))
            .order_by("unit_path", "name", "id"))


def team_get(*, viewer, pk: int) -> FireTeam:
    return scoping.get_visible_or_404(FireTeam.objects.select_related("unit", "leader_user"), viewer, pk=pk)


def team_households(*, team: FireTeam, on: date | None = None) -> QuerySet[TeamHousehold]:
    """The team's households, each with whether it keeps an in-date item of each required kind."""
    on = on or timezone.localdate()
    overdue = Equipment.objects.filter(household_id=OuterRef("household_id"), retired_on__isnull=True,
                                       next_due_on__lt=on)
    return (TeamHousehold.objects.filter(team=team, left_on__isnull=True).select_related("household")
            .annotate(**{f"has_{kind}": has_in_date(kind, on) for kind in REQUIRED}, has_overdue=Exists(overdue))
            .order_by("household__address", "id"))


def households_free(*, team: FireTeam) -> QuerySet:
    """Households of the team's group that are in no team (to add)."""
    from binhan.geo.models import Household

    taken = TeamHousehold.objects.filter(household=OuterRef("pk"), left_on__isnull=True)
    return (Household.objects.filter(unit_id=team.unit_id).exclude(Exists(taken))
            .only("id", "address", "code").order_by("address", "id"))


def team_of_household(household_id: int) -> FireTeam | None:
    member = (TeamHousehold.objects.filter(household_id=household_id, left_on__isnull=True)
              .select_related("team").first())
    return member.team if member else None
