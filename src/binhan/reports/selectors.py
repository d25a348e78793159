"""Reads of reports: the police queue, one report, duplicates, the public list, the follow-up page."""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.reports import locate
from binhan.reports.models import (
    OPEN_STATUSES,
    Category,
    Report,
    Status,
    Update,
    followup_hash,
    parse_reference,
)
from binhan.reports.roles import HANDLER_ROLES

SORTS = {
    "newest": ["-created_at", "-id"],
    "oldest": ["created_at", "id"],
    "due": ["due_at", "id"],
    "updated": ["-updated_at", "-id"],
}


@dataclass(frozen=True)
class QueueFilters:
    statuses: tuple[str, ...] = ()
    categories: tuple[int, ...] = ()
    priorities: tuple[str, ...] = ()
    unit_path: str = ""
    assigned: str = ""  # "", "me", "none", "any"
    overdue: bool = False
    since: datetime | None = None
    until: datetime | None = None
    query: str = ""
    sort: str = "newest"
    extra: dict = field(default_factory=dict)


def visible_reports(*, viewer) -> QuerySet[Report]:
    return scoping.visible(Report.objects.all(), viewer, roles=HANDLER_ROLES)


def report_list(*, viewer, filters: QueueFilters) -> QuerySet[Report]:
    reports = visible_reports(viewer=viewer)
    if filters.statuses:
        reports = reports.filter(status__in=filters.statuses)
    if filters.categories:
        reports = reports.filter(category_id__in=filters.categories)
    if filters.priorities:
        reports = reports.filter(priority__in=filters.priorities)
    if filters.unit_path:
        reports = reports.filter(paths.under("unit_path", filters.unit_path))
    if filters.assigned == "me":
        reports = reports.filter(assigned_to=viewer)
    elif filters.assigned == "none":
        reports = reports.filter(assigned_to__isnull=True, assigned_team="")
    elif filters.assigned == "any":
        reports = reports.filter(Q(assigned_to__isnull=False) | ~Q(assigned_team=""))
    if filters.overdue:
        reports = reports.filter(status__in=OPEN_STATUSES, due_at__lt=timezone.now())
    if filters.since:
        reports = reports.filter(created_at__gte=filters.since)
    if filters.until:
        reports = reports.filter(created_at__lt=filters.until)
    if filters.query:
        pk = parse_reference(filters.query)
        reports = reports.filter(pk=pk) if pk else reports.filter(description__icontains=filters.query)
    return reports.select_related("category", "unit", "assigned_to").order_by(*SORTS.get(filters.sort,
                                                                                        SORTS["newest"]))


def status_counts(*, viewer, filters: QueueFilters) -> dict[str, int]:
    """How many reports of each status match the other filters (for the queue's tabs)."""
    base = report_list(viewer=viewer, filters=QueueFilters(**{**filters.__dict__, "statuses": ()}))
    rows = base.order_by().values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in Status.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def report_get(*, viewer, pk: int) -> Report:
    return scoping.get_visible_or_404(
        Report.objects.select_related("category", "unit", "unit__parent", "assigned_to", "duplicate_of"),
        viewer, roles=HANDLER_ROLES, pk=pk,
    )


def report_officers(*, viewer, report: Report) -> QuerySet:
    """People who handle reports where `report` is (at its unit or above), among those the viewer sees."""
    from binhan.accounts.models import Membership, User

    memberships = scoping.visible(Membership.objects.filter(role__in=HANDLER_ROLES), viewer, roles=HANDLER_ROLES)
    handlers = memberships.filter(unit_path__in=paths.ancestors(report.unit_path)).values("user_id")
    return User.objects.filter(pk__in=handlers).order_by("username")


def report_updates(*, report: Report, public_only: bool) -> QuerySet[Update]:
    updates = report.updates.select_related("author").order_by("created_at", "id")
    if public_only:
        updates = updates.filter(kind__in=[Update.Kind.STATUS, Update.Kind.PUBLIC, Update.Kind.REPORTER])
    return updates


def report_for_followup(code: str) -> Report | None:
    """The report a follow-up code opens (its hash is what we keep); a merged one leads to the original."""
    if not code or len(code) > 100:
        return None
    return Report.objects.select_related("category", "unit", "duplicate_of").filter(
        followup_hash=followup_hash(code)).first()


def reports_of(*, user) -> QuerySet[Report]:
    """A signed-in resident's own reports."""
    return Report.objects.filter(reporter=user).select_related("category").order_by("-created_at")


@dataclass(frozen=True)
class Candidate:
    report: Report
    distance_m: float | None
    similarity: float


def duplicate_candidates(
    *, category: Category, lat: float | None, lon: float | None, when: datetime, text: str,
    within_path: str = "", exclude_id: int | None = None, limit: int = 5,
) -> list[Candidate]:
    """Open reports of the same category, near in place and time, ranked by distance and text likeness."""
    window = timedelta(hours=category.duplicate_window_hours)
    reports = Report.objects.filter(category=category, created_at__gte=when - window,
                                    created_at__lte=when + window, status__in=OPEN_STATUSES)
    if within_path:
        reports = reports.filter(paths.under("unit_path", within_path))
    if exclude_id:
        reports = reports.exclude(pk=exclude_id)
    radius = category.duplicate_radius_m
    if lat is not None and lon is not None:
        dlat = radius / 111_320
        dlon = radius / (111_320 * max(math.cos(math.radians(lat)), 0.01))
        reports = reports.filter(lat__range=(lat - dlat, lat + dlat), lon__range=(lon - dlon, lon + dlon))
    candidates = []
    for report in reports.select_related("category")[:200]:
        distance = None
        if lat is not None and report.lat is not None:
            distance = locate.distance_m(lat, lon, report.lat, report.lon)
            if distance > radius:
                continue
        similarity = difflib.SequenceMatcher(None, text.lower()[:500], report.description.lower()[:500]).ratio()
        candidates.append(Candidate(report, distance, similarity))
    candidates.sort(key=lambda c: (-(c.similarity + (1 - (c.distance_m or radius) / radius)),))
    return candidates[:limit]


def public_reports(*, since: datetime | None = None) -> QuerySet[Report]:
    """Reports that may be shown to anyone: public categories only (the caller coarsens places)."""
    reports = Report.objects.filter(category__may_be_public=True)
    if since is not None:
        reports = reports.filter(created_at__gte=since)
    return reports.select_related("category")


def categories_for(*, unit=None) -> QuerySet[Category]:
    """Active categories used where `unit` is (national ones and those of its province)."""
    categories = Category.objects.filter(is_active=True)
    if unit is not None:
        province_code = unit.ancestor_codes[1] if len(unit.ancestor_codes) > 1 else None
        categories = categories.filter(Q(province__isnull=True) | Q(province__code=province_code))
    return categories.order_by("order", "code")
