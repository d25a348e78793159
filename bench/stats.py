"""Time the statistics on the large demo: a province dashboard, a nation-level indicator, a drill-down to a
commune, the full rebuild, an incoming report reaching the facts, and the naive GROUP BY for comparison.

    .venv/bin/python bench/stats.py [--size large] [--runs 30] [--steps units,groups,…] [--json]

Makes var/bench/stats-<size>.sqlite3 once (migrate, then `binhan demo` limited to the steps named by
--steps, the stats step last), and reuses it on later runs (--fresh makes it again).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_DIR, remove_database  # noqa: E402

DEFAULT_STEPS = "units,groups,households,users,reports,community,alerts,stats"


def setup(size: str, fresh: bool) -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    target = BENCH_DIR / f"stats-{size}.sqlite3"
    if fresh:
        remove_database(target)
    os.environ.update({"BINHAN_DEMO": "1", "BINHAN_VAR_DIR": str(BENCH_DIR), "DATABASE_URL": f"sqlite:///{target}",
                       "DJANGO_SETTINGS_MODULE": "binhan.settings", "LOG_LEVEL": "WARNING",
                       "BINHAN_STATS_FOLLOW": "thread"})
    import django

    django.setup()
    return target


def generate(size: str, steps: set[str]) -> dict:
    from django.core.management import call_command

    from binhan.demo import registry, services

    call_command("migrate", verbosity=0)
    if services.demo_exists():
        return {}
    services._load_steps()
    for name in list(registry._steps):
        if name not in steps:
            del registry._steps[name]  # another domain's step this run leaves out
    timings: dict[str, float] = {}

    def log(message: str) -> None:
        print(message, flush=True)

    started = time.perf_counter()
    services.demo_generate(size=size, seed=1, log=log)
    timings["demo_seconds"] = round(time.perf_counter() - started, 1)
    return timings


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(q * (len(values) - 1))))], 1)


def timed(function, runs: int) -> dict:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": percentile(timings, 0.5), "p95_ms": percentile(timings, 0.95)}


def measure(runs: int) -> dict:
    from django.db.models import Count
    from django.db.models.functions import TruncMonth

    from binhan.core import paths
    from binhan.geo.models import AdministrativeUnit, Level
    from binhan.reports.models import Report
    from binhan.stats import periods, registry, selectors

    province = AdministrativeUnit.objects.filter(level=Level.PROVINCE, children__children__isnull=False).first()
    nation = AdministrativeUnit.objects.get(level=Level.NATION)
    commune = (AdministrativeUnit.objects.filter(parent=province, children__isnull=False)
               .annotate(n=Count("children")).order_by("-n").first())
    codes = [item.code for item in registry.indicators()]
    last = Report.objects.order_by("-created_at").values_list("created_at", flat=True).first()
    year = periods.of("year", last.date())
    month = periods.of("month", last.date())

    def dashboard(unit, period):
        def run():
            selectors.figures(unit=unit, codes=codes, period=period, with_breakdown=True)
            selectors.children(unit=unit, codes=["reports.received", "reports.clearance_rate",
                                                 "reports.response_minutes", "community.teams"], period=period)
            selectors.trend(unit=unit, codes=["reports.received"], period=period)
        return run

    day = dt.timedelta(days=1)
    review = periods.five_years(periods.of("assessment", last.date()).end.year)
    ten_years = periods.assessment_years(review.previous()) + periods.assessment_years(review)

    def five_year_review():
        """What the five-year report reads: a dashboard over five years (the units below in both periods), and
        every indicator in each of the ten assessment years."""
        selectors.figures(unit=province, codes=codes, period=review, with_breakdown=True)
        selectors.children_compared(unit=province, codes=["reports.received", "reports.clearance_rate",
                                                          "reports.response_minutes", "community.teams"], period=review)
        selectors.trend(unit=province, codes=["reports.received"], period=review)
        selectors.yearly(unit=province, codes=codes, windows=[periods.of("assessment", ten_years[0].start - day),
                                                              *ten_years])

    def nation_indicator():
        selectors.children(unit=nation, codes=["reports.received", "reports.clearance_rate"], period=year)

    def naive_dashboard():
        base = Report.objects.filter(paths.under("unit_path", province.path),
                                     created_at__date__gte=year.start, created_at__date__lte=year.end)
        list(base.values("category__code").annotate(n=Count("id")).order_by())
        list(base.values("unit__parent_id").annotate(n=Count("id")).order_by())
        list(base.annotate(m=TruncMonth("created_at")).values("m").annotate(n=Count("id")).order_by())
        list(base.filter(status="resolved").values("unit__parent_id").annotate(n=Count("id")).order_by())

    result = {
        "reports": Report.objects.count(),
        "province_dashboard_year": timed(dashboard(province, year), runs),
        "province_dashboard_month": timed(dashboard(province, month), runs),
        "nation_indicator_year": timed(nation_indicator, runs),
        "commune_drilldown_year": timed(dashboard(commune, year), runs),
        "province_five_year_review": timed(five_year_review, runs),
        "naive_group_by_province_year": timed(naive_dashboard, max(3, runs // 10)),
    }
    return result


def rebuild_seconds() -> dict:
    from binhan.stats import engine
    from binhan.stats.models import Contribution, Fact

    started = time.perf_counter()
    counts = engine.rebuild()
    return {"rebuild_seconds": round(time.perf_counter() - started, 1), "rebuild_objects": sum(counts.values()),
            "facts": Fact.objects.count(), "ledger_rows": Contribution.objects.count()}


def freshness(samples: int = 5) -> dict:
    """A report made through the services; how long until the province's facts count it (the follower thread)."""
    from django.db import transaction

    from binhan.geo.models import AdministrativeUnit, Level
    from binhan.reports import services as report_services
    from binhan.reports.models import Category
    from binhan.stats import periods, selectors

    group = AdministrativeUnit.objects.filter(level=Level.GROUP).order_by("code").first()
    province = AdministrativeUnit.objects.get(path=group.path.rsplit("/", 3)[0] + "/")
    category = Category.objects.filter(province__isnull=True, is_active=True, questions=[]).first()
    delays = []
    for _ in range(samples):
        today = periods.of("day", periods.today())
        before = selectors.figures(unit=province, codes=["reports.received"], period=today)[0].value
        prepared = report_services.report_prepare(category=category, description="Bench: a report", group=group,
                                                  anonymous=True)
        with transaction.atomic():
            report_services.report_store(prepared)
        committed = time.perf_counter()
        while selectors.figures(unit=province, codes=["reports.received"], period=today)[0].value <= before:
            if time.perf_counter() - committed > 10:
                break
            time.sleep(0.02)
        delays.append((time.perf_counter() - committed) * 1000)
        threading.Event().wait(0.3)
    return {"report_to_dashboard_ms": {"max": round(max(delays)), "median": round(statistics.median(delays))}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="large")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--steps", default=DEFAULT_STEPS)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--no-rebuild", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    setup(args.size, args.fresh)
    result = {"size": args.size, **generate(args.size, set(args.steps.split(",")))}
    result.update(measure(args.runs))
    if not args.no_rebuild:
        result.update(rebuild_seconds())
    result.update(freshness())
    print(json.dumps(result, indent=None if args.json else 2))


if __name__ == "__main__":
    main()
