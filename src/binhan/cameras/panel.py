"""The cameras panel on a report's police page: cameras whose cones cover or come near the place."""

from __future__ import annotations

from binhan.cameras import selectors
from binhan.cameras.roles import POLICE_ROLES
from binhan.core import scoping


def report_panel(request, report) -> dict | None:
    if report.lat is None or report.lon is None:
        return None
    if not scoping.can_see_path(request.user, report.unit_path, roles=POLICE_ROLES):
        return None
    nearby = selectors.cameras_near(viewer=request.user, lat=report.lat, lon=report.lon, when=report.created_at)
    return {"nearby": nearby, "near_m": selectors.NEAR_M}
