"""Time the map's cluster query for random viewports over Quảng Ninh, against the large demo.

    .venv/bin/python bench/map.py [--size large] [--requests 200] [--seed 1] [--json]
                                  [--explain] [--index] [--postgres URL]

What is timed: the selector `binhan.reports.maps.report_clusters` called directly (what
`GET /reports/map/clusters.json` does, minus parsing the query and writing the JSON), for
`demo-province-leader` (viewports anywhere over the province) and `demo-commune-police`
(viewports over their own commune), at a zoom drawn from 8 to 16 and a 1280 × 800 px
screen, once with the map's default filters (the open reports) and once with none (two
years of reports, the worst case). The user's scope cache is cleared before each call, as
a fresh request would find it. Figures are p50, p95 and max in milliseconds.

The database is the demo file of bench/demo_generation.py (`var/bench/demo-<size>.sqlite3`).
If it has no reports yet (it was made before the reports app), it is migrated and the
demo's "reports" step is run on it with the demo's seed: the same reports a fresh
`binhan demo --size <size>` would write, without re-creating the households. With
`--postgres URL` the same runs against that database (a full demo is generated there first
when it is empty).

Up to zoom 13 the clusters come from the tally (`reports.tally`, a row per unit, category and
small cell); `--raw` times everything again with the tally switched off, from the reports
themselves, for comparison.

`--explain` prints the query plans of a province-wide and a street view; `--index` times
everything again with the two indexes proposed in docs/performance.md created for the run
(and dropped after, even when the run is stopped with SIGTERM).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SIZES, bench_environ, database_path  # noqa: E402

PROVINCE_BOX = (20.7, 21.6, 106.4, 108.1)  # south, north, west, east: where the demo puts Quảng Ninh's groups
SCREEN = (1280, 800)
ZOOMS = range(8, 17)
# The indexes docs/performance.md proposes (covering: the cluster query reads nothing else).
PROPOSED_INDEXES = {
    "bench_rep_map_place": ["lat", "lon", "category_id", "unit_path", "status", "priority", "created_at"],
    "bench_rep_map_status": ["status", "lat", "lon", "category_id", "unit_path", "priority", "created_at"],
}


def viewport(rng: random.Random, zoom: int, box: tuple[float, float, float, float]):
    from binhan.reports.maps import TILE_PIXELS, BBox

    south, north, west, east = box
    lat, lon = rng.uniform(south, north), rng.uniform(west, east)
    degrees_per_pixel = 360 / (TILE_PIXELS * 2**zoom)
    half_width = SCREEN[0] / 2 * degrees_per_pixel
    half_height = SCREEN[1] / 2 * degrees_per_pixel * math.cos(math.radians(lat))
    return BBox(west=lon - half_width, south=lat - half_height, east=lon + half_width, north=lat + half_height)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def percentiles(timings: list[float]) -> dict[str, float]:
    ordered = sorted(timings)
    return {"p50": round(statistics.median(ordered), 1),
            "p95": round(ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)], 1),
            "max": round(ordered[-1], 1)}


def ensure_reports(size: str, seed: int) -> int:
    """Migrate, and add the demo's reports to a demo database made before the reports app existed."""
    from django.core.management import call_command
    from django.db import transaction

    from binhan.accounts.models import User
    from binhan.demo.registry import SIZES as DEMO_SIZES
    from binhan.demo.registry import DemoContext, step_rng
    from binhan.geo.models import AdministrativeUnit, Level
    from binhan.reports import demo as reports_demo
    from binhan.reports.models import Report

    call_command("migrate", verbosity=0)
    if not User.objects.filter(is_demo=True).exists():
        from binhan.demo import services

        print(f"No demo in this database: generating the {size} demo (seed {seed}) …", flush=True)
        services.demo_generate(size=size, seed=seed, log=lambda message: None)
        return Report.objects.count()
    if Report.objects.exists():
        return Report.objects.count()
    print(f"The demo has no reports yet: adding them (seed {seed}) …", flush=True)
    started = time.perf_counter()
    groups = list(AdministrativeUnit.objects.filter(level=Level.GROUP).order_by("code"))
    communes = list(AdministrativeUnit.objects.filter(pk__in={g.parent_id for g in groups}).order_by("code"))
    users: dict[str, list] = {}
    for user in User.objects.filter(is_demo=True).prefetch_related("memberships").order_by("id"):
        for membership in user.memberships.all():
            users.setdefault(membership.role, []).append(user)
    ctx = DemoContext(seed=seed, size=DEMO_SIZES[size], province_code="22", log=lambda message: None,
                      rng=step_rng(seed, "reports"), province=communes[0].parent, communes=communes,
                      groups=groups, users=users)
    with transaction.atomic():
        reports_demo.generate_reports(ctx)
    print(f"… {ctx.counts['reports']:,} reports in {time.perf_counter() - started:.1f} s", flush=True)
    return Report.objects.count()


def run(size: str, requests: int, seed: int, explain: bool, index: bool, raw: bool = False) -> dict:
    import django

    django.setup()
    from django.db import connection

    from binhan.accounts.models import User
    from binhan.geo.models import AdministrativeUnit, Level
    from binhan.reports import maps
    from binhan.reports.models import OPEN_STATUSES
    from binhan.reports.selectors import QueueFilters

    total = ensure_reports(size, seed)
    settle(connection)
    leader = User.objects.get(username="demo-province-leader")
    police = User.objects.get(username="demo-commune-police")
    commune_path = police.memberships.get().unit_path
    centres = AdministrativeUnit.objects.filter(level=Level.GROUP, path__startswith=commune_path)
    lats = [g.centre_lat for g in centres]
    lons = [g.centre_lon for g in centres]
    commune_box = (min(lats), max(lats), min(lons), max(lons))
    cases = {"open reports (the map's default)": QueueFilters(statuses=tuple(OPEN_STATUSES)),
             "all reports, two years (no filter)": QueueFilters()}
    viewers = {"province leader": (leader, PROVINCE_BOX), "commune police": (police, commune_box)}

    def measure() -> dict:
        results: dict = {}
        for filter_name, filters in cases.items():
            for viewer_name, (viewer, box) in viewers.items():
                rng = random.Random(f"{seed}:{viewer_name}")
                timings, by_zoom, features = [], {}, []
                for _ in range(requests):
                    zoom = rng.choice(ZOOMS)
                    bbox = viewport(rng, zoom, box)
                    viewer.__dict__.pop("_scope_paths_cache", None)
                    started = time.perf_counter()
                    data = maps.report_clusters(viewer=viewer, filters=filters, bbox=bbox, zoom=zoom)
                    elapsed = (time.perf_counter() - started) * 1000
                    timings.append(elapsed)
                    by_zoom.setdefault(zoom, []).append(elapsed)
                    features.append(len(data.clusters) + len(data.points))
                progress(f"{filter_name}, {viewer_name}: p95 {percentiles(timings)['p95']} ms")
                results[f"{filter_name}, {viewer_name}"] = {
                    **percentiles(timings), "max_features": max(features),
                    "p95_by_zoom": {zoom: percentiles(values)["p95"] for zoom, values in sorted(by_zoom.items())},
                }
        return results

    from binhan.reports.models import ReportTally

    result = {"size": size, "database": connection.vendor, "reports": total, "requests": requests,
              "tally_rows": ReportTally.objects.filter(total__gt=0).count(), "ms": measure()}
    if raw:
        tally_zoom, maps.TALLY_ZOOM = maps.TALLY_ZOOM, -1
        try:
            result["ms_raw"] = measure()
        finally:
            maps.TALLY_ZOOM = tally_zoom
    if explain:
        result["plans"] = plans(leader, police, cases)
    if index:
        # A SIGTERM must not leave the bench indexes behind in a database others use.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(1))
        started = time.perf_counter()
        try:
            with connection.cursor() as cursor:
                for name, columns in PROPOSED_INDEXES.items():
                    cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON reports_report ({', '.join(columns)})")
            result["index_build_s"] = round(time.perf_counter() - started, 1)
            settle(connection)
            result["ms_with_index"] = measure()
            if explain:
                result["plans_with_index"] = plans(leader, police, cases)
        finally:
            with connection.cursor() as cursor:
                for name in PROPOSED_INDEXES:
                    cursor.execute(f"DROP INDEX IF EXISTS {name}")
    return result


def settle(connection) -> None:
    """On PostgreSQL, what autovacuum does soon after a bulk load: statistics, and the visibility map
    that index-only scans need. (SQLite gets nothing: Django never runs ANALYZE there.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE reports_report")


def plans(leader, police, cases) -> dict[str, list[str]]:
    """The plans of a province-wide view at zoom 8 and of a street view at zoom 16."""
    from django.db import connection

    from binhan.reports import maps
    from binhan.reports.selectors import report_list

    wide = maps.BBox(106.3, 20.6, 108.2, 21.7)
    street = viewport(random.Random(1), 16, (21.0, 21.0, 107.1, 107.1))
    out = {}
    for filter_name, filters in cases.items():
        for label, viewer, bbox, zoom in (("province leader, zoom 8", leader, wide, 8),
                                          ("province leader, zoom 16", leader, street, 16)):
            cell, snapped = maps.grid_for(bbox, zoom)
            queryset = maps.reports_in(report_list(viewer=viewer, filters=filters).order_by(), snapped)
            sql, params = queryset.values("category_id").query.sql_with_params()
            prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql, params)
                out[f"{filter_name}, {label}"] = [" ".join(str(part) for part in row) for row in cursor.fetchall()]
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="large")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1, help="the demo's seed, and the viewports'")
    parser.add_argument("--explain", action="store_true", help="print the query plans")
    parser.add_argument("--index", action="store_true", help="time again with the proposed indexes")
    parser.add_argument("--raw", action="store_true", help="time again from the reports, without the tally")
    parser.add_argument("--postgres", metavar="URL", help="run against this PostgreSQL database instead")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    options = parser.parse_args(argv)
    if options.postgres:
        os.environ.update({**bench_environ(options.size), "DATABASE_URL": options.postgres})
    else:
        if not database_path(options.size).exists():
            raise SystemExit(f"No {database_path(options.size)}: run bench/demo_generation.py "
                             f"--size {options.size} first.")
        os.environ.update(bench_environ(options.size))
    result = run(options.size, options.requests, options.seed, options.explain, options.index, options.raw)
    if options.json:
        print(json.dumps(result, ensure_ascii=False))
        return result
    print(f"Map clusters on the {result['size']} demo ({result['database']}, {result['reports']:,} reports, "
          f"{result['tally_rows']:,} tally rows), {result['requests']} random viewports per line, zoom 8–16, "
          f"selector called directly:")
    for key in ("ms", "ms_raw", "ms_with_index"):
        if key not in result:
            continue
        if key == "ms_raw":
            print("From the reports themselves (the tally switched off):")
        if key == "ms_with_index":
            built = ", ".join(f"{name} ({', '.join(columns)})" for name, columns in PROPOSED_INDEXES.items())
            print(f"With the proposed indexes {built}, built in {result['index_build_s']} s:")
        for name, figures in result[key].items():
            print(f"  p50 {figures['p50']:8.1f}  p95 {figures['p95']:8.1f}  max {figures['max']:8.1f} ms  "
                  f"(≤ {figures['max_features']} features)  {name}")
            print("      p95 by zoom: " + ", ".join(f"{z}: {ms}" for z, ms in figures["p95_by_zoom"].items()))
    for key in ("plans", "plans_with_index"):
        for name, lines in result.get(key, {}).items():
            print(f"{key}: {name}")
            for line in lines:
                print(f"    {line}")
    return result


if __name__ == "__main__":
    main()
