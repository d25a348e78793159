"""Map layers (GeoJSON, no personal data): points with their state, teams with their readiness where their
households are (or their group's centre), and recent fire reports as the viewer may see them; and one team's map (its placed
households with their state, its points and the recent fire reports of its group).

A fire report is drawn in full (its place, and a link to its page) for those who handle reports, and
for a team's leader as the public may know it (a place coarsened to about 100 m, no link): see
`selectors.reports`. Reports without a place are not drawn.
"""

from __future__ import annotations

from django.db.models import Avg, QuerySet
from django.urls import reverse
from django.utils import formats, timezone

from binhan.core import scoping
from binhan.firesafety import rules
from binhan.firesafety.models import FireTeam, TeamHousehold
from binhan.firesafety.selectors import points as point_selectors
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.firesafety.selectors import reports as report_selectors
from binhan.reports import locate
from binhan.reports.models import Status, format_reference

MAX_FEATURES = 20_000


def _point(lat, lon) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def _url(name: str) -> str:
    return reverse(name, args=[0]).replace("/0/", "/{}/")


def point_features(*, viewer) -> list[dict]:
    points = point_selectors.point_list(viewer=viewer).filter(lat__isnull=False)[:MAX_FEATURES]
    url = _url("firesafety:point_detail")
    return [{"type": "Feature", "geometry": _point(p.lat, p.lon),
             "properties": {"id": p.pk, "name": p.name, "state": point_selectors.state_of(p), "url": url.format(p.pk)}}
            for p in points]


def team_features(*, viewer) -> list[dict]:
    """Each active team with its readiness score, where its placed households are (their mean), or at
    its group's centre while none is placed."""
    chosen = scoping.visible(FireTeam.objects.filter(status=FireTeam.Status.ACTIVE), viewer) \
        .order_by("unit_path")[:MAX_FEATURES]
    teams = list(chosen.values_list("pk", "name", "unit__centre_lat", "unit__centre_lon"))
    placed = {team_id: (lat, lon) for team_id, lat, lon in
              TeamHousehold.objects.filter(team__in=chosen.values("pk"), left_on__isnull=True,
                                           lat__isnull=False, lon__isnull=False)
              .values("team_id").annotate(mean_lat=Avg("lat"), mean_lon=Avg("lon"))
              .values_list("team_id", "mean_lat", "mean_lon").order_by()}
    teams = [(pk, name, *place) for pk, name, *centre in teams
             if None not in (place := placed.get(pk, tuple(centre)))]
    scores = readiness_selectors.team_readiness(team_ids=[t[0] for t in teams], on=timezone.localdate())
    url = _url("firesafety:team_detail")
    return [{"type": "Feature", "geometry": _point(lat, lon),
             "properties": {"id": pk, "name": name, "score": scores[pk].score, "url": url.format(pk)}}
            for pk, name, lat, lon in teams]


def _report_rows(reports: QuerySet) -> list[tuple]:
    return list(reports.filter(lat__isnull=False, lon__isnull=False)
                .values_list("pk", "lat", "lon", "status", "created_at")[:MAX_FEATURES])


def _report_feature(row: tuple, *, in_full: bool, url: str) -> dict:
    pk, lat, lon, status, created = row
    if not in_full:
        lat, lon = locate.coarsen(lat, lon)
    day = timezone.localtime(created).date()
    reference = format_reference(pk, day.year)  # as Report.reference: the local year
    properties = {"kind": "report", "id": pk, "reference": reference, "status": status, "date": day.isoformat(),
                  "name": f"{reference} · {formats.date_format(day, 'SHORT_DATE_FORMAT')} · {Status(status).label}",
                  "in_full": in_full}
    if in_full:
        properties["url"] = url.format(pk)
    return {"type": "Feature", "geometry": _point(lat, lon), "properties": properties}


def report_features(*, viewer, days: int = report_selectors.MAP_DAYS) -> list[dict]:
    """Fire reports of the last `days` days: in full under the units where the viewer handles reports,
    and as the public may know them in the groups of the teams the viewer leads."""
    url = _url("reports:manage")
    features = [_report_feature(row, in_full=True, url=url)
                for row in _report_rows(report_selectors.fire_reports(viewer=viewer, unit_path="/", days=days))]
    groups = report_selectors.led_group_paths(viewer=viewer)
    if groups:
        rows = _report_rows(report_selectors.neighbour_fire_reports(group_paths=groups, days=days))
        features += [_report_feature(row, in_full=False, url=url) for row in rows]
    return features


def team_report_features(*, viewer, team: FireTeam, days: int = report_selectors.MAP_DAYS) -> list[dict]:
    """The fire reports of the team's group for its map, as the team's page lists them for the viewer."""
    reports, in_full = report_selectors.team_reports(viewer=viewer, team=team, days=days)
    url = _url("reports:manage")
    return [_report_feature(row, in_full=in_full, url=url) for row in _report_rows(reports)]


def team_map(*, team: FireTeam, households, points, reports: list[dict] = ()) -> dict:
    """The team page's map from what the page has read already (no query): each placed household
    (address and state: equipped, overdue, missing), each placed point (name and state), the fire
    reports' features (`team_report_features`), and the group's centre to start from when nothing is
    placed yet."""
    household_url, point_url = _url("firesafety:household"), _url("firesafety:point_detail")
    features = [{"type": "Feature", "geometry": _point(m.lat, m.lon),
                 "properties": {"kind": "household", "id": m.household_id, "name": m.household.address,
                                "state": household_state(m), "url": household_url.format(m.household_id)}}
                for m in households if m.lat is not None and m.lon is not None]
    features += [{"type": "Feature", "geometry": _point(p.lat, p.lon),
                  "properties": {"kind": "point", "id": p.pk, "name": p.name, "state": p.state,
                                 "url": point_url.format(p.pk)}}
                 for p in points if p.lat is not None and p.lon is not None]
    features += reports
    unit = team.unit
    centre = [unit.centre_lat, unit.centre_lon] if unit.centre_lat is not None and unit.centre_lon is not None else None
    return {"type": "FeatureCollection", "features": features, "centre": centre}


def household_state(member) -> str:
    """A team household's state from the flags `team_households` annotates."""
    return rules.household_state(has_extinguisher=member.has_extinguisher, has_demolition=member.has_demolition,
                                 has_alarm=member.has_alarm, has_overdue=member.has_overdue)
