"""Map layers (GeoJSON, no personal data): points with their state, teams with their readiness at their
group's centre, and fire reports of the last year for those who handle reports."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from binhan.core import scoping
from binhan.firesafety.models import FireTeam
from binhan.firesafety.selectors import points as point_selectors
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.firesafety.selectors import reports as report_selectors

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
    teams = list(scoping.visible(FireTeam.objects.filter(status=FireTeam.Status.ACTIVE), viewer)
                 .filter(unit__centre_lat__isnull=False)
                 .values_list("pk", "name", "unit__centre_lat", "unit__centre_lon").order_by("unit_path")[:MAX_FEATURES])
    scores = readiness_selectors.team_readiness(team_ids=[t[0] for t in teams], on=timezone.localdate())
    url = _url("firesafety:team_detail")
    return [{"type": "Feature", "geometry": _point(lat, lon),
             "properties": {"id": pk, "name": name, "score": scores[pk].score, "url": url.format(pk)}}
            for pk, name, lat, lon in teams]


def report_features(*, viewer) -> list[dict]:
    reports = (report_selectors.fire_reports(viewer=viewer, unit_path="/").filter(lat__isnull=False)
               .values_list("pk", "lat", "lon", "status", "created_at")[:MAX_FEATURES])
    url = _url("reports:manage")
    return [{"type": "Feature", "geometry": _point(lat, lon),
             "properties": {"id": pk, "status": status, "date": timezone.localtime(created).date().isoformat(),
                            "url": url.format(pk)}}
            for pk, lat, lon, status, created in reports]
