"""The reports' tally, kept by triggers: equal to a fresh count of the reports after any writes."""

import math
import random

import pytest
from django.utils import timezone

from binhan.core import paths
from binhan.reports import tally
from binhan.reports.models import Category, Report, ReportTally, Status
from tests.factories import make_report


def counted_from_reports() -> dict:
    """What the tally must hold, counted in Python from the reports (rows with no report left out)."""
    expected: dict = {}
    for report in Report.objects.filter(lat__isnull=False, lon__isnull=False):
        for level in tally.LEVELS:
            cell = tally.cell_of(level)
            key = (level, paths.truncate(report.unit_path, 3), report.category_id, math.floor(report.lat / cell),
                   math.floor(report.lon / cell))
            row = expected.setdefault(key, {"total": 0, "lat": 0.0, "lon": 0.0, **{s: 0 for s in Status.values}})
            row["total"] += 1
            row["lat"] += report.lat
            row["lon"] += report.lon
            row[report.status] += 1
    return expected


def tally_rows() -> dict:
    rows = {}
    for row in ReportTally.objects.filter(total__gt=0):
        rows[(row.level, row.unit_path, row.category_id, row.cell_y, row.cell_x)] = {
            "total": row.total, "lat": pytest.approx(row.lat_sum, abs=1e-6), "lon": pytest.approx(row.lon_sum, abs=1e-6),
            **{s: getattr(row, tally.status_column(s)) for s in Status.values}}
    return rows


def test_every_status_has_a_column():
    assert {tally.status_column(s) for s in Status.values} <= {f.name for f in ReportTally._meta.fields}


def test_a_located_report_is_counted_and_an_unlocated_one_is_not(world):
    make_report(unit=world.group_a, lat=21.01, lon=107.02)
    make_report(unit=world.group_a, lat=21.011, lon=107.021, status=Status.RESOLVED)  # the same 600 m cell
    make_report(unit=world.group_a)  # no coordinates
    assert sorted(ReportTally.objects.values_list("level", flat=True)) == list(tally.LEVELS)
    row = ReportTally.objects.get(level=14)
    theft = Category.objects.get(code="theft", province=None)
    cell = tally.cell_of(14)
    assert (row.unit_path, row.category_id, row.cell_y, row.cell_x, row.total, row.n_new, row.n_resolved) == (
        world.commune_a.path, theft.pk, math.floor(21.01 / cell), math.floor(107.02 / cell), 2, 1, 1)
    assert (round(row.lat_sum, 6), round(row.lon_sum, 6)) == (42.021, 214.041)


def test_each_level_is_the_maps_grid_at_its_zoom_and_tiles_the_coarser_cells():
    from binhan.reports import maps

    assert [tally.cell_of(level) for level in tally.LEVELS] == [maps.cell_size(level) for level in tally.LEVELS]
    # A map cell is read at the coarsest level that tiles it; a cell finer than level 14 has none.
    assert [tally.level_for(maps.cell_size(zoom)) for zoom in (6, 8, 9, 10, 11, 12, 13, 14, 15)] == [
        8, 8, 10, 10, 12, 12, 14, 14, None]


def test_the_commune_is_cut_from_the_path_as_paths_truncate_cuts_it(world):
    from django.db import connection

    if connection.vendor == "postgresql":
        expression = tally.POSTGRES_COMMUNE
    else:
        expression = tally._sqlite_commune("unit_path")
    for path in ("/VN/22/7090/7090-001/", "/VN/22/7090/", "/VN/22/", "/VN/", "/VN/22/26734/26734-12/x/"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {expression} FROM (SELECT %s AS unit_path) AS t", [path])  # noqa: S608
            assert cursor.fetchone()[0] == paths.truncate(path, 3)


def test_cells_below_zero_are_floored_as_the_map_floors_them(world):
    make_report(unit=world.group_a, lat=-12.3456, lon=-77.0321)
    for row in ReportTally.objects.all():
        cell = tally.cell_of(row.level)
        assert (row.cell_y, row.cell_x) == (math.floor(-12.3456 / cell), math.floor(-77.0321 / cell))


def test_status_move_and_delete_shift_the_counts(world):
    report = make_report(unit=world.group_a, lat=21.0, lon=107.0)
    Report.objects.filter(pk=report.pk).update(status=Status.IN_PROGRESS)
    assert ReportTally.objects.filter(level=14).values_list("n_new", "n_in_progress").get() == (0, 1)
    Report.objects.filter(pk=report.pk).update(unit=world.group_b, unit_path=world.group_b.path)
    assert tally_rows() == counted_from_reports()
    assert {key[1:3] for key in tally_rows()} == {(world.commune_b.path, report.category_id)}
    Report.objects.filter(pk=report.pk).update(updated_at=report.updated_at)  # nothing counted changes
    assert tally_rows() == counted_from_reports()
    Report.objects.filter(pk=report.pk).delete()
    assert tally_rows() == {}


def test_bulk_writes_are_counted(world):
    theft = Category.objects.get(code="theft", province=None)
    Report.objects.bulk_create([
        Report(category=theft, unit=world.group_a, unit_path=world.group_a.path, description="x", lat=21 + n / 100,
               lon=107, created_at=timezone.now()) for n in range(30)])
    Report.objects.filter(lat__lt=21.1).update(status=Status.REJECTED)
    assert tally_rows() == counted_from_reports()
    assert [sum(column) for column in zip(*ReportTally.objects.filter(level=14).values_list("total", "n_rejected"),
                                          strict=True)] == [30, 10]


@pytest.mark.parametrize("seed", range(6))
def test_random_writes_leave_the_tally_equal_to_a_fresh_count(world, seed):
    rng = random.Random(seed)
    categories = list(Category.objects.filter(province=None).values_list("code", flat=True)[:4])
    groups = [world.group_a, world.group_b]
    for _step in range(40):
        action = rng.choice(["create", "create", "status", "move", "locate", "delete"])
        reports = list(Report.objects.values_list("pk", flat=True))
        if action == "create" or not reports:
            located = rng.random() < 0.8
            make_report(unit=rng.choice(groups), category_code=rng.choice(categories),
                        lat=rng.uniform(20, 22) if located else None, lon=rng.uniform(106, 108) if located else None,
                        status=rng.choice(Status.values))
            continue
        chosen = Report.objects.filter(pk=rng.choice(reports))
        if action == "status":
            chosen.update(status=rng.choice(Status.values))
        elif action == "move":
            group = rng.choice(groups)
            chosen.update(unit=group, unit_path=group.path)
        elif action == "locate":
            chosen.update(lat=None if rng.random() < 0.3 else rng.uniform(20, 22), lon=rng.uniform(106, 108))
        else:
            chosen.delete()
    assert tally_rows() == counted_from_reports()
    tally.rebuild()
    assert tally_rows() == counted_from_reports()


def test_a_bulk_load_with_the_triggers_off_is_counted_once_after(world):
    with tally.rebuilt_after():
        make_report(unit=world.group_a, lat=21.0, lon=107.0)
        make_report(unit=world.group_a, lat=21.0, lon=107.0)
        assert ReportTally.objects.count() == 0
    assert ReportTally.objects.filter(level=14).values_list("total", flat=True).get() == 2
    make_report(unit=world.group_a, lat=21.0, lon=107.0)  # the triggers are back
    assert ReportTally.objects.filter(level=14).values_list("total", flat=True).get() == 3


def _clusters(viewer, filters, bbox, zoom, *, from_tally: bool):
    """Clusters keyed by their cell: (count, categories, position), and the single reports' ids."""
    from binhan.reports import maps

    original = maps.TALLY_ZOOM
    maps.TALLY_ZOOM = original if from_tally else -1
    try:
        data = maps.report_clusters(viewer=viewer, filters=filters, bbox=bbox, zoom=zoom)
    finally:
        maps.TALLY_ZOOM = original
    return ({(c.bounds.south, c.bounds.west): (c.count, c.categories, round(c.lat, 6), round(c.lon, 6))
             for c in data.clusters}, sorted(p.id for p in data.points))


@pytest.mark.parametrize("seed", range(3))
def test_clusters_from_the_tally_equal_clusters_from_the_reports(world, seed):
    from binhan.reports import maps
    from binhan.reports.selectors import QueueFilters

    rng = random.Random(seed)
    for _ in range(120):
        make_report(unit=rng.choice([world.group_a, world.group_b]), category_code=rng.choice(["theft", "fire", "drugs"]),
                    lat=rng.uniform(20.8, 21.3), lon=rng.uniform(106.9, 107.5), status=rng.choice(Status.values))
    bbox = maps.BBox(106.8, 20.7, 107.6, 21.4)
    every, open_only = QueueFilters(), QueueFilters(statuses=("new", "acknowledged"))
    for zoom in (8, 9, 10, 11, 12, 13, 14):
        for viewer in (world.province_leader, world.police_a):
            # Every status: the same clusters, positions included, and the same single reports, except that
            # province-wide a single report stays a cluster of one (see maps._name_single_reports).
            tally_clusters, tally_points = _clusters(viewer, every, bbox, zoom, from_tally=True)
            report_clusters, report_points = _clusters(viewer, every, bbox, zoom, from_tally=False)
            if viewer == world.province_leader:
                ones = {cell: value for cell, value in tally_clusters.items() if value[0] == 1}
                assert (len(ones), tally_points) == (len(report_points), [])
                tally_clusters = {cell: value for cell, value in tally_clusters.items() if value[0] > 1}
                report_points = []
            assert (tally_clusters, tally_points) == (report_clusters, report_points)
            # Some statuses: the same counts (a position is then the mean of the cell's reports of every status).
            tally_clusters, tally_points = _clusters(viewer, open_only, bbox, zoom, from_tally=True)
            report_clusters, report_points = _clusters(viewer, open_only, bbox, zoom, from_tally=False)
            assert ({cell: value[:2] for cell, value in tally_clusters.items()}, tally_points) == (
                {cell: value[:2] for cell, value in report_clusters.items()}, report_points)
