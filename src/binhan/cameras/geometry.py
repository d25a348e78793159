"""A camera's view as a cone on the map: position, direction, angle and range, in plain Python.

Distances are great-circle (haversine) in metres; a camera's range is tens of metres, so the
small-distance error does not matter. A point is *inside* when it lies within the range and
within half the angle of the direction (edges included), *near* when it is within `near_m`
metres of the cone without being inside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from binhan.reports.locate import EARTH_RADIUS_M, distance_m

INSIDE, NEAR = "inside", "near"
EPSILON = 1e-6


@dataclass(frozen=True)
class Cone:
    lat: float
    lon: float
    direction: float  # degrees clockwise from north
    angle: float  # full opening, 1..360
    range_m: float


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Initial bearing from point 1 to point 2, 0..360 clockwise from north."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dl = math.radians(lon2 - lon1)
    x = math.sin(dl) * math.cos(p2)
    y = math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl)
    return (math.degrees(math.atan2(x, y)) + 360) % 360


def angle_between(a: float, b: float) -> float:
    """The smaller angle between two bearings, 0..180."""
    diff = abs(a - b) % 360
    return 360 - diff if diff > 180 else diff


def destination(lat: float, lon: float, bearing: float, distance: float) -> tuple[float, float]:
    p1, l1, theta = math.radians(lat), math.radians(lon), math.radians(bearing)
    delta = distance / EARTH_RADIUS_M
    p2 = math.asin(math.sin(p1) * math.cos(delta) + math.cos(p1) * math.sin(delta) * math.cos(theta))
    l2 = l1 + math.atan2(math.sin(theta) * math.sin(delta) * math.cos(p1), math.cos(delta) - math.sin(p1) * math.sin(p2))
    return math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180


def coverage(cone: Cone, lat: float, lon: float, *, near_m: float = 50) -> str | None:
    """INSIDE, NEAR or None for the point (lat, lon)."""
    d = distance_m(cone.lat, cone.lon, lat, lon)
    if d <= EPSILON:
        return INSIDE
    half = cone.angle / 2
    off = max(0.0, angle_between(bearing_deg(cone.lat, cone.lon, lat, lon), cone.direction) - half)
    if d <= cone.range_m + EPSILON and off <= EPSILON:
        return INSIDE
    # Distance from the point to the cone: past its arc, or beside one of its edges.
    if off <= EPSILON:
        gap = d - cone.range_m
    elif off >= 90:
        gap = d
    else:
        along = d * math.cos(math.radians(off))
        across = d * math.sin(math.radians(off))
        gap = across if along <= cone.range_m else math.hypot(along - cone.range_m, across)
    return NEAR if gap <= near_m else None


def polygon(cone: Cone, *, steps: int = 12) -> list[list[float]]:
    """The cone as [lat, lon] points, for drawing (a full circle when the angle is 360)."""
    if cone.angle >= 360:
        return [list(destination(cone.lat, cone.lon, i * 360 / (steps * 2), cone.range_m)) for i in range(steps * 2)]
    start = cone.direction - cone.angle / 2
    arc = [list(destination(cone.lat, cone.lon, start + i * cone.angle / steps, cone.range_m))
           for i in range(steps + 1)]
    return [[cone.lat, cone.lon], *arc]


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) around a point: a cheap prefilter before `coverage`."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    dlon = dlat / max(0.01, math.cos(math.radians(lat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon
