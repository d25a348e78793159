"""Which residential group a report belongs to, from its point or the reporter's choice."""

from __future__ import annotations

import math

from binhan.geo.models import AdministrativeUnit, Level

# How far (in degrees, about 5 km) to look for groups around a point.
SEARCH_DEGREES = 0.05


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    radius = 6_371_000
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def _ring_contains(ring: list, lon: float, lat: float) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > lat) != (y2 > lat) and lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1:
            inside = not inside
    return inside


def boundary_contains(boundary: dict | None, lat: float, lon: float) -> bool:
    """Point in a GeoJSON Polygon or MultiPolygon (holes respected); anything else is no."""
    if not boundary:
        geometry = None
    else:
        geometry = boundary.get("geometry", boundary) if boundary.get("type") == "Feature" else boundary
    if not geometry:
        return False
    polygons = {"Polygon": [geometry.get("coordinates")], "MultiPolygon": geometry.get("coordinates")}.get(
        geometry.get("type"), [])
    for polygon in polygons or []:
        if polygon and _ring_contains(polygon[0], lon, lat) and not any(
                _ring_contains(hole, lon, lat) for hole in polygon[1:]):
            return True
    return False


def group_for_point(lat: float, lon: float, *, within: AdministrativeUnit | None = None) -> AdministrativeUnit | None:
    """The group whose boundary holds the point; else the nearest group centre within about 5 km."""
    groups = AdministrativeUnit.objects.filter(
        level=Level.GROUP,
        centre_lat__range=(lat - SEARCH_DEGREES, lat + SEARCH_DEGREES),
        centre_lon__range=(lon - SEARCH_DEGREES, lon + SEARCH_DEGREES),
    )
    if within is not None:
        groups = groups.filter(path__startswith=within.path)
    candidates = list(groups.only("id", "path", "centre_lat", "centre_lon", "boundary", "parent_id", "name", "code"))
    for group in candidates:
        if boundary_contains(group.boundary, lat, lon):
            return group
    if not candidates:
        return None
    return min(candidates, key=lambda g: distance_m(lat, lon, g.centre_lat, g.centre_lon))


def coarsen(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    """About 100 m: three decimals, for anything shown in public."""
    if lat is None or lon is None:
        return None, None
    return round(lat, 3), round(lon, 3)
