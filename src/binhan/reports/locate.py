"""Which residential group a report belongs to, from its point or the reporter's choice."""

from __future__ import annotations

import copy
import math
import threading
import time
from collections import defaultdict

from django.conf import settings

from binhan.geo.models import AdministrativeUnit, Level

# How far (in degrees, about 5 km) to look for groups around a point.
SEARCH_DEGREES = 0.05


EARTH_RADIUS_M = 6_371_008.8  # the Earth's mean radius


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, on the Earth's mean radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))  # rounding can put `a` a hair above 1


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
    index = _index()
    if index is not None:
        candidates = index.near(lat, lon)
    else:
        candidates = list(AdministrativeUnit.objects.filter(
            level=Level.GROUP,
            centre_lat__range=(lat - SEARCH_DEGREES, lat + SEARCH_DEGREES),
            centre_lon__range=(lon - SEARCH_DEGREES, lon + SEARCH_DEGREES),
        ).only(*GROUP_FIELDS))
    if within is not None:
        candidates = [group for group in candidates if group.path.startswith(within.path)]
    found = next((group for group in candidates if boundary_contains(group.boundary, lat, lon)), None)
    if found is None and candidates:
        # Nearest by the flat-earth distance: over 5 km it orders centres as the great circle does, for a
        # cosine per report instead of a haversine per candidate.
        shrink = math.cos(math.radians(lat))
        found = min(candidates, key=lambda g: (g.centre_lat - lat) ** 2 + ((g.centre_lon - lon) * shrink) ** 2)
    # The index's instances are shared by the process's threads: hand out a copy.
    return copy.copy(found) if index is not None and found is not None else found


def commune_of(group: AdministrativeUnit) -> AdministrativeUnit | None:
    """The commune (the group's parent), from the index when there is one."""
    return unit_by_id(group.parent_id) if group.parent_id is not None else None


def unit_by_id(pk: int) -> AdministrativeUnit | None:
    """A province or commune by id, from the index when there is one."""
    index = _index()
    if index is not None and pk in index.units:
        return copy.copy(index.units[pk])
    return AdministrativeUnit.objects.filter(pk=pk).first()


GROUP_FIELDS = ("id", "code", "name", "names", "level", "parent_id", "path", "depth", "centre_lat", "centre_lon",
                "boundary")


class GroupIndex:
    """Every group with a centre, in cells of SEARCH_DEGREES, and every unit above the groups by id.

    Kept per server process for `BINHAN_UNIT_CACHE_SECONDS` (units change a few times a year;
    a new or moved group is found after at most that long). Each intake looked the groups up
    in the database: 1.1–1.6 ms of a request that must take about 2 (docs/performance.md).
    """

    def __init__(self) -> None:
        self.loaded_at = time.monotonic()
        self.cells: dict[tuple[int, int], list[AdministrativeUnit]] = defaultdict(list)
        for group in AdministrativeUnit.objects.filter(level=Level.GROUP, centre_lat__isnull=False,
                                                       centre_lon__isnull=False).only(*GROUP_FIELDS):
            self.cells[self._cell(group.centre_lat, group.centre_lon)].append(group)
        self.units = {unit.pk: unit for unit in AdministrativeUnit.objects.exclude(level=Level.GROUP)}

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return math.floor(lat / SEARCH_DEGREES), math.floor(lon / SEARCH_DEGREES)

    def near(self, lat: float, lon: float) -> list[AdministrativeUnit]:
        """The groups whose centre is within SEARCH_DEGREES in latitude and longitude (shared: don't change them)."""
        row, column = self._cell(lat, lon)
        return [group
                for r in (row - 1, row, row + 1) for c in (column - 1, column, column + 1)
                for group in self.cells.get((r, c), ())
                if abs(group.centre_lat - lat) <= SEARCH_DEGREES and abs(group.centre_lon - lon) <= SEARCH_DEGREES]


_current: GroupIndex | None = None
_loading = threading.Lock()


def _index() -> GroupIndex | None:
    """The process's index, loaded again when older than the setting; None when the setting is 0."""
    global _current
    seconds = settings.BINHAN_UNIT_CACHE_SECONDS
    if seconds <= 0:
        return None
    index = _current
    if index is None or time.monotonic() - index.loaded_at > seconds:
        with _loading:
            if _current is None or time.monotonic() - _current.loaded_at > seconds:
                _current = GroupIndex()
            index = _current
    return index


def forget_index() -> None:
    """Drop the process's index (after units are imported or changed in this process)."""
    global _current
    _current = None


def coarsen(lat: float | None, lon: float | None) -> tuple[float | None, float | None]:
    """About 100 m: three decimals, for anything shown in public."""
    if lat is None or lon is None:
        return None, None
    return round(lat, 3), round(lon, 3)
