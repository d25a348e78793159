"""Fire reports (category "fire": fire and fire risk) near teams, and what an officer needs at once.

Reports are read through the reports' own door (their handler roles): the police and leaders
see them; other staff see none.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.firesafety.models import FirePoint, TeamHousehold
from binhan.firesafety.selectors._common import has_in_date
from binhan.firesafety.selectors.points import _annotated, state_of
from binhan.reports.models import Report
from binhan.reports.roles import HANDLER_ROLES

FIRE_CATEGORIES = ("fire",)
RECENT_DAYS = 365
NEAREST = 5


def fire_reports(*, viewer, unit_path: str, days: int = RECENT_DAYS) -> QuerySet[Report]:
    since = timezone.now() - timedelta(days=days)
    return (scoping.visible(Report.objects.filter(category__code__in=FIRE_CATEGORIES, created_at__gte=since),
                            viewer, roles=HANDLER_ROLES)
            .filter(paths.under("unit_path", unit_path)).select_related("category").order_by("-created_at", "-id"))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    radius = 6_371_000
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def nearest_points(*, viewer, report: Report, limit: int = NEAREST) -> list[tuple[FirePoint, int | None, str]]:
    """The public points of the report's commune nearest the report (its group's first when it has no place)."""
    commune_path = paths.truncate(report.unit_path, len(paths.codes(report.unit_path)) - 1)
    points = _annotated(scoping.visible(FirePoint.objects.filter(paths.under("unit_path", commune_path)), viewer)
                        .select_related("unit"), timezone.localdate())
    found = []
    for point in points:
        if report.lat is not None and point.lat is not None:
            found.append((point, round(distance_m(report.lat, report.lon, point.lat, point.lon)), state_of(point)))
        else:
            found.append((point, None, state_of(point)))
    same_group = report.unit_path
    found.sort(key=lambda t: (t[1] is None, t[1] or 0, t[0].unit_path != same_group, t[0].pk))
    return found[:limit]


def households_with_extinguisher(*, viewer, report: Report, limit: int = 50) -> QuerySet[TeamHousehold]:
    """Team households of the report's residential group that keep an in-date extinguisher."""
    return (scoping.visible(TeamHousehold.objects.filter(unit_path=report.unit_path, left_on__isnull=True), viewer)
            .annotate(has_extinguisher=has_in_date("extinguisher", timezone.localdate()))
            .filter(has_extinguisher=True).select_related("household", "team")
            .order_by("team__name", "household__address")[:limit])
