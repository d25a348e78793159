"""Public firefighting points and their state: complete, missing items, or overdue."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.firesafety.models import Equipment, FirePoint, Requirement
from binhan.firesafety.selectors._common import in_date

COMPLETE, MISSING, OVERDUE = "complete", "missing", "overdue"
# A point keeps extinguishers and demolition tools (crowbar, hammer, hydraulic pliers), signposted and sheltered.
POINT_REQUIRED = (Requirement.EXTINGUISHER, Requirement.DEMOLITION)


def _annotated(points: QuerySet, on: date) -> QuerySet:
    kept = {f"has_{kind}": Exists(Equipment.objects.filter(in_date(on), point_id=OuterRef("pk"),
                                                          type__requirement=kind)) for kind in POINT_REQUIRED}
    overdue = Exists(Equipment.objects.filter(point_id=OuterRef("pk"), retired_on__isnull=True, next_due_on__lt=on))
    return points.annotate(**kept, has_overdue=overdue)


def state_of(point) -> str:
    """Missing beats overdue: a point without an extinguisher is not ready whatever else is late."""
    if not all(getattr(point, f"has_{kind}") for kind in POINT_REQUIRED) or not (point.has_sign and point.has_shelter):
        return MISSING
    return OVERDUE if point.has_overdue else COMPLETE


def point_list(*, viewer, unit=None, on: date | None = None) -> QuerySet[FirePoint]:
    points = scoping.visible(FirePoint.objects.all(), viewer)
    if unit is not None:
        points = points.filter(paths.under("unit_path", unit.path))
    return _annotated(points.select_related("unit", "team"), on or timezone.localdate()).order_by("unit_path", "name", "id")


def point_get(*, viewer, pk: int) -> FirePoint:
    point = scoping.get_visible_or_404(FirePoint.objects.select_related("unit", "team"), viewer, pk=pk)
    return _annotated(FirePoint.objects.filter(pk=point.pk).select_related("unit", "team"),
                      timezone.localdate()).get()


def team_points(*, viewer, team) -> list[FirePoint]:
    """The points a team keeps, each with its `state`, for the team's page and map."""
    points = list(point_list(viewer=viewer).filter(team=team))
    for point in points:
        point.state = state_of(point)
    return points
