"""Fire reports (category "fire": fire and fire risk) near teams, and what an officer needs at once.

Reports are read through the reports' own doors. Those who handle reports (their handler roles:
the police and leaders) read them in full (`reports.selectors.visible_reports`). A team's leader
(`FireTeam.leader_user`) reads, for the team's own group only, what the reports app shows anyone
(`reports.selectors.public_reports`: public categories only, places coarsened to about 100 m by
the caller), as a security team's members see the reports given to their team: reference,
category, status, time and group, never the description, the reporter or an exact place. Other
staff see none.
"""

from __future__ import annotations

from datetime import timedelta

from django.db.models import QuerySet
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.firesafety.models import FirePoint, FireTeam, TeamHousehold
from binhan.firesafety.selectors._common import has_in_date
from binhan.firesafety.selectors.points import _annotated, state_of
from binhan.reports import selectors as report_selectors
from binhan.reports.locate import distance_m
from binhan.reports.models import Report, Status
from binhan.reports.roles import HANDLER_ROLES

FIRE_CATEGORIES = ("fire",)
RECENT_DAYS = 365  # the team page's list
MAP_DAYS = 30  # the maps' window unless the viewer asks for another
MAX_DAYS = 365
NEAREST = 5


def _since(days: int):
    return timezone.now() - timedelta(days=days)


def fire_reports(*, viewer, unit_path: str, days: int = RECENT_DAYS) -> QuerySet[Report]:
    """Fire reports under `unit_path` in full, for those who handle reports there."""
    return (report_selectors.visible_reports(viewer=viewer)
            .filter(category__code__in=FIRE_CATEGORIES, created_at__gte=_since(days))
            .filter(paths.under("unit_path", unit_path)).select_related("category", "unit")
            .order_by("-created_at", "-id"))


# What a team leader may read of a fire report: no description, no reporter, no place.
LEADER_FIELDS = ("id", "created_at", "status", "category", "unit", "category__code", "category__name", "category__names",
                 "unit__name", "unit__names")


def neighbour_fire_reports(*, group_paths: list[str], days: int = RECENT_DAYS) -> QuerySet[Report]:
    """The fire reports of these residential groups as their team leader may know them: the reports'
    public view (public categories only), without those closed as duplicates or rejected (not fires
    the team needs to know of). The caller coarsens any place it shows (`reports.locate.coarsen`)."""
    return (report_selectors.public_reports(since=_since(days))
            .filter(category__code__in=FIRE_CATEGORIES, unit_path__in=group_paths)
            .exclude(status__in=(Status.DUPLICATE, Status.REJECTED))
            .select_related("category", "unit").order_by("-created_at", "-id"))


def leads(viewer, team: FireTeam) -> bool:
    return (team.leader_user_id is not None and team.leader_user_id == viewer.pk
            and team.status == FireTeam.Status.ACTIVE)


def led_group_paths(*, viewer) -> list[str]:
    """The groups of the active teams the viewer leads (and may see), leaving out those where the viewer
    handles reports anyway (and so reads them in full)."""
    if not viewer.is_authenticated:
        return []
    teams = scoping.visible(FireTeam.objects.filter(leader_user_id=viewer.pk, status=FireTeam.Status.ACTIVE),
                            viewer)
    return sorted({path for path in teams.values_list("unit_path", flat=True)
                   if not scoping.can_see_path(viewer, path, roles=HANDLER_ROLES)})


def team_reports(*, viewer, team: FireTeam, days: int = RECENT_DAYS) -> tuple[QuerySet[Report], bool]:
    """The fire reports of the team's group the viewer may see, and whether in full (see the module)."""
    if scoping.can_see_path(viewer, team.unit_path, roles=HANDLER_ROLES):
        return fire_reports(viewer=viewer, unit_path=team.unit_path, days=days), True
    if not leads(viewer, team):
        return Report.objects.none(), False
    return neighbour_fire_reports(group_paths=[team.unit_path], days=days), False


def team_fire_reports(*, viewer, team: FireTeam, days: int = RECENT_DAYS,
                      limit: int = 20) -> tuple[list[Report], bool]:
    """The fire reports of the team's group for its page, and whether the viewer reads them in full
    (with the report's page) or as the team's leader (reference, category, status, time and group)."""
    reports, in_full = team_reports(viewer=viewer, team=team, days=days)
    if not in_full:
        reports = reports.only(*LEADER_FIELDS)
    return list(reports[:limit]), in_full


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


def households_with_extinguisher(*, viewer, report: Report,
                                 limit: int = 50) -> list[tuple[TeamHousehold, int | None]]:
    """Team households of the report's residential group that keep an in-date extinguisher, with their
    distance in metres from the report: the placed ones nearest first, then the others by team and address."""
    members = list(scoping.visible(TeamHousehold.objects.filter(unit_path=report.unit_path, left_on__isnull=True),
                                   viewer)
                   .annotate(has_extinguisher=has_in_date("extinguisher", timezone.localdate()))
                   .filter(has_extinguisher=True).select_related("household", "team")
                   .order_by("team__name", "household__address", "id"))
    found = []
    for member in members:
        placed = report.lat is not None and report.lon is not None and member.lat is not None
        found.append((member, round(distance_m(report.lat, report.lon, member.lat, member.lon)) if placed else None))
    # A stable sort keeps the team-and-address order among equals and among the unplaced.
    found.sort(key=lambda pair: (pair[1] is None, pair[1] or 0))
    return found[:limit]
