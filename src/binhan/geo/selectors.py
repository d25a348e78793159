"""Reads of places. Every staff read passes through the scoping door."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from binhan.core import paths, scoping
from binhan.geo.models import AdministrativeUnit, Household, Level


def unit_list(*, viewer, parent: AdministrativeUnit | None = None, query: str = "") -> QuerySet[AdministrativeUnit]:
    units = scoping.visible(AdministrativeUnit.objects.all(), viewer)
    if parent is not None:
        units = units.filter(parent=parent)
    if query:
        units = units.filter(Q(name__icontains=query) | Q(code__iexact=query))
    return units.select_related("parent").order_by("level", "name")


def unit_roots(*, viewer) -> QuerySet[AdministrativeUnit]:
    """The top units a viewer may browse from: their own membership units."""
    prefixes = scoping.scope_paths(viewer)
    if prefixes is scoping.EVERYTHING:
        return AdministrativeUnit.objects.filter(parent__isnull=True)
    return AdministrativeUnit.objects.filter(path__in=prefixes).order_by("path")


def unit_get(*, viewer, pk: int) -> AdministrativeUnit:
    return scoping.get_visible_or_404(AdministrativeUnit.objects.select_related("parent"), viewer, pk=pk)


def unit_breadcrumb(unit: AdministrativeUnit) -> list[AdministrativeUnit]:
    """The unit and its ancestors, root first, in one query."""
    codes = unit.ancestor_codes
    by_code = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=codes)}
    return [by_code[code] for code in codes if code in by_code]


def unit_search_public(*, query: str, level: str = Level.GROUP, limit: int = 20) -> QuerySet[AdministrativeUnit]:
    """Names of groups for residents choosing where they live; no personal data is involved."""
    units = AdministrativeUnit.objects.filter(level=level)
    if query:
        units = units.filter(name__icontains=query)
    return units.select_related("parent").order_by("name")[:limit]


def household_list(*, viewer, unit: AdministrativeUnit | None = None, query: str = "") -> QuerySet[Household]:
    households = scoping.visible(Household.objects.all(), viewer)
    if unit is not None:
        households = households.filter(paths.under("unit_path", unit.path))
    if query:
        households = households.filter(Q(address__icontains=query) | Q(code__iexact=query))
    return households.select_related("unit").order_by("unit_path", "address", "id")


def household_get(*, viewer, pk: int) -> Household:
    return scoping.get_visible_or_404(Household.objects.select_related("unit"), viewer, pk=pk)


@dataclass(frozen=True)
class AreaFigures:
    units: int
    groups: int
    households: int
    people: int


def area_figures(*, viewer) -> AreaFigures:
    """Counts under the viewer's units: the real figures on the staff home."""
    units = scoping.visible(AdministrativeUnit.objects.all(), viewer)
    unit_counts = units.aggregate(total=Count("id"), groups=Count("id", filter=Q(level=Level.GROUP)))
    household_counts = scoping.visible(Household.objects.all(), viewer).aggregate(
        total=Count("id"), people=Sum("member_count")
    )
    return AreaFigures(
        units=unit_counts["total"],
        groups=unit_counts["groups"],
        households=household_counts["total"],
        people=household_counts["people"] or 0,
    )


def group_figures(*, unit: AdministrativeUnit) -> AreaFigures:
    """Counts for one residential group, for the resident home (no personal data)."""
    counts = Household.objects.filter(unit=unit).aggregate(total=Count("id"), people=Sum("member_count"))
    return AreaFigures(units=1, groups=1, households=counts["total"], people=counts["people"] or 0)
