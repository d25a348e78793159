"""Reads of commendations, and their counts for statistics."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear

from binhan.community.models import Commendation, CommendationLevel
from binhan.core import paths, scoping


@dataclass(frozen=True)
class CommendationFilters:
    unit_path: str = ""
    level: str = ""
    subject: str = ""
    year: int | None = None
    query: str = ""


def commendation_list(*, viewer, filters: CommendationFilters = CommendationFilters()) -> QuerySet[Commendation]:
    items = scoping.visible(Commendation.objects.all(), viewer)
    if filters.unit_path:
        items = items.filter(paths.under("unit_path", filters.unit_path))
    if filters.level:
        items = items.filter(level=filters.level)
    if filters.subject:
        items = items.filter(subject=filters.subject)
    if filters.year:
        items = items.filter(decision_date__year=filters.year)
    if filters.query:
        items = items.filter(Q(deed__icontains=filters.query) | Q(decision_number__iexact=filters.query)
                             | Q(person_name__icontains=filters.query))
    return items.select_related("unit", "team", "model", "household", "member").order_by("-decision_date", "-id")


def commendation_counts(*, viewer, unit_path: str = "") -> list[dict]:
    """Commendations per year and level: [{"year": 2026, "commune": 3, "province": 1, "ministry": 0, "total": 4}]."""
    items = commendation_list(viewer=viewer, filters=CommendationFilters(unit_path=unit_path))
    rows = (items.order_by().annotate(year=ExtractYear("decision_date")).values("year", "level")
            .annotate(n=Count("pk")))
    by_year: dict[int, dict] = {}
    for row in rows:
        entry = by_year.setdefault(row["year"], {"year": row["year"], **dict.fromkeys(CommendationLevel.values, 0),
                                                 "total": 0})
        entry[row["level"]] += row["n"]
        entry["total"] += row["n"]
    return [by_year[year] for year in sorted(by_year, reverse=True)]
