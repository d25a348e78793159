"""Time the scoped reads staff pages make, against the database demo_generation.py filled.

    .venv/bin/python bench/scoped_queries.py [--size large] [--runs 20] [--json]

Each figure is the median over the runs, in milliseconds. The user's scope cache is
cleared before every run, as a fresh request would find it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import SIZES, bench_environ, database_path  # noqa: E402

PAGE_SIZE = 50  # as geo.views


def measure(function: Callable[[], object], runs: int, fresh: Callable[[], None]) -> float:
    function()  # warm the page cache once
    timings = []
    for _ in range(runs):
        fresh()
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 2)


def run(size: str, runs: int) -> dict:
    if not database_path(size).exists():
        raise SystemExit(f"No {database_path(size)}: run bench/demo_generation.py --size {size} first.")
    os.environ.update(bench_environ(size))
    import django

    django.setup()
    from django.core.paginator import Paginator

    from binhan.accounts.models import User
    from binhan.core import scoping
    from binhan.geo import selectors
    from binhan.geo.models import Household

    police = User.objects.get(username="demo-commune-police")
    leader = User.objects.get(username="demo-province-leader")

    def fresh() -> None:
        for user in (police, leader):
            user.__dict__.pop("_scope_paths_cache", None)
            user.__dict__.pop("_roles_cache", None)

    def first_page(queryset) -> None:
        page = Paginator(queryset, PAGE_SIZE).get_page(1)
        list(page.object_list)

    cases = {
        "households visible to commune police (count)":
            lambda: scoping.visible(Household.objects.all(), police).count(),
        "households visible to province leader (count)":
            lambda: scoping.visible(Household.objects.all(), leader).count(),
        "household list, first page, commune police":
            lambda: first_page(selectors.household_list(viewer=police)),
        "household list, first page, province leader":
            lambda: first_page(selectors.household_list(viewer=leader)),
        "unit search 'Tổ dân phố 1', province leader, first page":
            lambda: first_page(selectors.unit_list(viewer=leader, query="Tổ dân phố 1")),
        "public group search 'Thôn 1' (20 results)":
            lambda: list(selectors.unit_search_public(query="Thôn 1")),
        "area figures, province leader":
            lambda: selectors.area_figures(viewer=leader),
    }
    counts = {
        "households": Household.objects.count(),
        "commune_police_households": scoping.visible(Household.objects.all(), police).count(),
    }
    return {"size": size, "runs": runs, **counts,
            "median_ms": {name: measure(function, runs, fresh) for name, function in cases.items()}}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", choices=SIZES, default="large")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    options = parser.parse_args(argv)
    result = run(options.size, options.runs)
    if options.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"Scoped reads on the {size_label(result)} demo, median of {result['runs']} runs:")
        for name, ms in result["median_ms"].items():
            print(f"  {ms:8.2f} ms  {name}")
    return result


def size_label(result: dict) -> str:
    return f"{result['size']} ({result['households']:,} households)"


if __name__ == "__main__":
    main()
