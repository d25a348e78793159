"""The register's front page: the answers to its questions for one unit, and the map of teams and sites."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from binhan.community.selectors import commendations as commendation_selectors
from binhan.community.selectors import maps as map_selectors
from binhan.community.selectors import selfmanagement as model_selectors
from binhan.community.selectors import teams as team_selectors
from binhan.community.views._common import require_staff
from binhan.geo import selectors as geo_selectors


def _unit(request: HttpRequest):
    """The unit asked for (?unit=<pk>), or the viewer's widest unit."""
    raw = request.GET.get("unit", "")
    if raw.isdigit():
        return geo_selectors.unit_get(viewer=request.user, pk=int(raw))
    return geo_selectors.unit_roots(viewer=request.user).first()


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """How many models, sites and teams each unit has; which are recognised; which no longer work."""
    require_staff(request)
    unit = _unit(request)
    context = {"unit": unit}
    if unit is not None:
        context.update({
            "register": model_selectors.register(viewer=request.user, unit=unit),
            "teams": team_selectors.team_figures(viewer=request.user, unit_path=unit.path),
            "commendations": commendation_selectors.commendation_counts(viewer=request.user,
                                                                        unit_path=unit.path)[:3],
            "breadcrumb": geo_selectors.unit_breadcrumb(unit),
        })
    return render(request, "community/overview.html", context)


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    return render(request, "community/map.html", {"tile_url": settings.BINHAN_TILE_URL})


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    """Teams (at their group's centre) and model sites as GeoJSON, for the viewer's units."""
    require_staff(request)
    layer = request.GET.get("layer", "teams")
    if layer not in ("teams", "sites"):
        return JsonResponse({"detail": "layer must be teams or sites"}, status=400)
    features = (map_selectors.team_features(viewer=request.user) if layer == "teams"
                else map_selectors.site_features(viewer=request.user))
    return JsonResponse({"type": "FeatureCollection", "features": features})
