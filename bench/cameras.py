"""Time the cameras demo step and the camera reads on a fresh demo of its own.

    .venv/bin/python bench/cameras.py [--size small] [--runs 200] [--json]

Makes var/bench/cameras-<size>.sqlite3 (migrate + `binhan demo`, the cameras step timed on its
own), then, as the demo commune police officer and the province leader: the median and p95 of
`cameras_near` (the report panel) at random report positions, the map's GeoJSON for the whole
scope, and the registry's first page (count + 50 rows), the scope cache emptied before each.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_DIR, remove_database  # noqa: E402


def setup(size: str) -> float:
    target = BENCH_DIR / f"cameras-{size}.sqlite3"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    remove_database(target)
    os.environ.update({"BINHAN_DEMO": "1", "BINHAN_VAR_DIR": str(BENCH_DIR), "DATABASE_URL": f"sqlite:///{target}",
                       "DJANGO_SETTINGS_MODULE": "binhan.settings", "BINHAN_MEDIA_ROOT": str(BENCH_DIR / "media")})
    import django

    django.setup()
    import io
    import re

    from django.core.management import call_command
    from django.utils import translation

    call_command("migrate", verbosity=0)
    out = io.StringIO()
    with translation.override("en"):
        call_command("demo", "--size", size, stdout=out)
    found = re.search(r"Step cameras done in ([\d.]+) s", out.getvalue())
    return float(found.group(1)) if found else -1.0


def timings(function, runs: int) -> tuple[float, float]:
    values = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        values.append((time.perf_counter() - started) * 1000)
    values.sort()
    return statistics.median(values), values[int(len(values) * 0.95) - 1]


def measure(viewer, roles, points, rng, runs: int) -> dict:
    from binhan.cameras import selectors

    def fresh():
        viewer.__dict__.pop("_scope_paths_cache", None)

    def near():
        fresh()
        lat, lon = rng.choice(points)
        selectors.cameras_near(viewer=viewer, lat=lat, lon=lon, roles=roles)

    def map_all():
        fresh()
        selectors.map_features(viewer=viewer)

    def first_page():
        fresh()
        cameras = selectors.camera_list(viewer=viewer)
        cameras.count()
        list(cameras[:50])

    result = {}
    for name, function, count in (("near", near, runs), ("map", map_all, max(5, runs // 20)),
                                  ("list", first_page, runs)):
        p50, p95 = timings(function, count)
        result[f"{name}.p50_ms"], result[f"{name}.p95_ms"] = round(p50, 2), round(p95, 2)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="small")
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    step = setup(args.size)

    import random

    from binhan.accounts.models import User
    from binhan.accounts.roles import STAFF_ROLES
    from binhan.cameras.models import Camera
    from binhan.cameras.roles import POLICE_ROLES
    from binhan.reports.models import Report

    rng = random.Random(1)
    points = list(Report.objects.filter(lat__isnull=False).values_list("lat", "lon")[:5000])
    result = {"size": args.size, "cameras": Camera.objects.count(), "step_s": step}
    for username, roles in (("demo-commune-police", POLICE_ROLES), ("demo-province-leader", STAFF_ROLES)):
        viewer = User.objects.get(username=username)
        for key, value in measure(viewer, roles, points, rng, args.runs).items():
            result[f"{username}.{key}"] = value
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:45} {value}")


if __name__ == "__main__":
    main()
