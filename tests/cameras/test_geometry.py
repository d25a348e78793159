"""Cone coverage on known points: inside, outside, on the edges, near."""

import pytest

from binhan.cameras import geometry
from binhan.cameras.geometry import INSIDE, NEAR, Cone

LAT, LON = 21.0, 107.0
EAST = Cone(LAT, LON, direction=90, angle=90, range_m=40)


def at(bearing, metres):
    return geometry.destination(LAT, LON, bearing, metres)


@pytest.mark.parametrize(("bearing", "metres", "expected"), [
    (90, 20, INSIDE),     # straight ahead
    (90, 0, INSIDE),      # the camera's own spot
    (50, 30, INSIDE),     # inside the opening
    (45, 39.9, INSIDE),   # on the left edge, within range
    (135, 40, INSIDE),    # on the right edge, at the range
    (90, 40, INSIDE),     # on the arc
    (270, 20, NEAR),      # behind the camera, 20 m: within 50 m of the apex
    (90, 95, None),       # 55 m past the arc
    (90, 80, NEAR),       # 40 m past the arc
    (20, 30, NEAR),       # beside the left edge
    (270, 60, None),      # behind, far
])
def test_coverage_known_points(bearing, metres, expected):
    lat, lon = at(bearing, metres)
    kind = geometry.coverage(EAST, lat, lon, near_m=50)
    assert kind == expected


def test_coverage_without_margin_is_strict():
    assert [geometry.coverage(EAST, *at(b, m), near_m=0) for b, m in [(90, 20), (90, 41), (30, 10)]] == [
        INSIDE, None, None]


def test_direction_wraps_around_north():
    north = Cone(LAT, LON, direction=350, angle=60, range_m=40)
    assert [geometry.coverage(north, *at(b, 30), near_m=0) for b in (10, 330, 30)] == [INSIDE, INSIDE, None]


def test_full_circle_camera_covers_every_direction():
    dome = Cone(LAT, LON, direction=0, angle=360, range_m=20)
    assert {geometry.coverage(dome, *at(b, 15), near_m=0) for b in range(0, 360, 45)} == {INSIDE}


def test_distance_and_bearing_agree_with_destination():
    lat, lon = at(123, 250)
    assert (round(geometry.distance_m(LAT, LON, lat, lon)), round(geometry.bearing_deg(LAT, LON, lat, lon))) == (250, 123)


def test_polygon_starts_at_the_camera_and_spans_the_angle():
    points = geometry.polygon(EAST, steps=4)
    first_arc, last_arc = points[1], points[-1]
    assert (points[0], len(points)) == ([LAT, LON], 6)
    assert (round(geometry.bearing_deg(LAT, LON, *first_arc)), round(geometry.bearing_deg(LAT, LON, *last_arc))) == (
        45, 135)


def test_bounding_box_contains_the_radius():
    min_lat, max_lat, min_lon, max_lon = geometry.bounding_box(LAT, LON, 100)
    north, east = at(0, 99), at(90, 99)
    assert (min_lat < LAT < north[0] < max_lat, min_lon < LON < east[1] < max_lon) == (True, True)


def test_angle_between_takes_the_short_way():
    assert [geometry.angle_between(a, b) for a, b in [(10, 350), (0, 180), (90, 45)]] == [20, 180, 45]
