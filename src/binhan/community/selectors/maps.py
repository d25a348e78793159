"""Map layers: security teams and model sites at the centre points of their units (no personal data)."""

from __future__ import annotations

from django.urls import reverse

from binhan.community.models import ModelSite, ModelStatus, SecurityTeam
from binhan.core import scoping

MAX_FEATURES = 20_000


def _point(lat, lon) -> dict:
    return {"type": "Point", "coordinates": [lon, lat]}


def team_features(*, viewer) -> list[dict]:
    teams = (scoping.visible(SecurityTeam.objects.filter(status=SecurityTeam.Status.ACTIVE), viewer)
             .filter(unit__centre_lat__isnull=False)
             .values_list("pk", "name", "unit__name", "unit__centre_lat", "unit__centre_lon")
             .order_by("unit_path")[:MAX_FEATURES])
    url = reverse("community:team_detail", args=[0]).replace("/0/", "/{}/")
    return [{"type": "Feature", "geometry": _point(lat, lon),
             "properties": {"id": pk, "name": name, "unit": unit, "url": url.format(pk)}}
            for pk, name, unit, lat, lon in teams]


def site_features(*, viewer) -> list[dict]:
    sites = (scoping.visible(ModelSite.objects.exclude(model__status=ModelStatus.ENDED), viewer)
             .filter(unit__centre_lat__isnull=False)
             .values_list("model_id", "model__name", "model__type__code", "unit__name", "unit__centre_lat",
                          "unit__centre_lon")
             .order_by("unit_path")[:MAX_FEATURES])
    url = reverse("community:model_detail", args=[0]).replace("/0/", "/{}/")
    return [{"type": "Feature", "geometry": _point(lat, lon),
             "properties": {"id": pk, "name": name, "type": kind, "unit": unit, "url": url.format(pk)}}
            for pk, name, kind, unit, lat, lon in sites]
