"""The front page (readiness and what is overdue, for one unit) and the map."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from binhan.firesafety.models import Finding
from binhan.firesafety.selectors import equipment as equipment_selectors
from binhan.firesafety.selectors import maps as map_selectors
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.firesafety.views._common import chosen_unit, require_staff
from binhan.geo import selectors as geo_selectors

LAYERS = {"points": map_selectors.point_features, "teams": map_selectors.team_features,
          "reports": map_selectors.report_features}


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """How ready the unit is, per child unit; what is overdue, per area and per team."""
    require_staff(request)
    unit = chosen_unit(request)
    context: dict = {"unit": unit}
    if unit is not None:
        total, children = readiness_selectors.readiness_with_children(viewer=request.user, unit=unit)
        context.update({
            "readiness": total,
            "children": children,
            "overdue_areas": equipment_selectors.overdue_by_area(viewer=request.user, unit=unit),
            "overdue_teams": equipment_selectors.overdue_by_team(viewer=request.user, unit=unit, limit=20),
            "open_findings": equipment_selectors.finding_list(viewer=request.user, unit=unit,
                                                              status=Finding.Status.OPEN).count(),
            "breadcrumb": geo_selectors.unit_breadcrumb(unit),
        })
    return render(request, "firesafety/overview.html", context)


@login_required
def map_page(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    return render(request, "firesafety/map.html", {"tile_url": settings.BINHAN_TILE_URL})


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    """Points with their state, teams with their readiness, fire reports: GeoJSON for the viewer's units."""
    require_staff(request)
    layer = LAYERS.get(request.GET.get("layer", "points"))
    if layer is None:
        return JsonResponse({"detail": _("Unknown map layer.")}, status=400)
    return JsonResponse({"type": "FeatureCollection", "features": layer(viewer=request.user)})
