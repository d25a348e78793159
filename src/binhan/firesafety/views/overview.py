"""The front page (readiness and what is overdue, for one unit) and the map."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from binhan.firesafety import forms
from binhan.firesafety.models import Finding
from binhan.firesafety.selectors import equipment as equipment_selectors
from binhan.firesafety.selectors import maps as map_selectors
from binhan.firesafety.selectors import readiness as readiness_selectors
from binhan.firesafety.views._common import chosen_unit, render_form, require_staff
from binhan.geo import selectors as geo_selectors

LAYERS = {"points": map_selectors.point_features, "teams": map_selectors.team_features,
          "reports": map_selectors.report_features}
WINDOWED = {"reports"}  # the layers that take the window of days


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
    window = forms.ReportWindowForm(request.GET)
    # Readiness per commune or group is the statistics map of the units below, shaded by the same score.
    return render_form(request, "firesafety/map.html", {"tile_url": settings.BINHAN_TILE_URL, "window_form": window,
                                                        "days": window.window, "readiness_unit": chosen_unit(request)},
                       window)


@login_required
def map_data(request: HttpRequest) -> JsonResponse:
    """Points with their state, teams with their readiness, fire reports of the last `days` days (30 by
    default): GeoJSON for the viewer's units."""
    require_staff(request)
    name = request.GET.get("layer", "points")
    if name not in LAYERS:
        return JsonResponse({"detail": _("Unknown map layer.")}, status=400)
    window = forms.ReportWindowForm(request.GET)
    if window.error:
        return JsonResponse({"detail": window.error, "field": "days"}, status=400)
    options = {"days": window.window} if name in WINDOWED else {}
    return JsonResponse({"type": "FeatureCollection", "features": LAYERS[name](viewer=request.user, **options)})
