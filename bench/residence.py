"""Time the stays and handovers demo steps at the large demo's scale, then the police's reads.

    .venv/bin/python bench/residence.py [--groups 5000] [--households 250000] [--runs 10] [--json]

Builds its own SQLite file (var/bench/residence.sqlite3): one province, a commune per 50 groups,
the groups, the households (bulk, ids contiguous per group as the demo writes them) and the demo
users; then runs the `residence` and `handovers` demo steps and times the reads a commune police
officer and the province leader make (median of --runs, scope cache emptied before each).
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


def prepare() -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    target = BENCH_DIR / "residence.sqlite3"
    remove_database(target)
    os.environ.update({"BINHAN_DEMO": "1", "BINHAN_VAR_DIR": str(BENCH_DIR), "DATABASE_URL": f"sqlite:///{target}",
                       "DJANGO_SETTINGS_MODULE": "binhan.settings"})
    return target


def build(groups: int, households: int):
    from django.core.management import call_command

    from binhan.accounts.models import Membership, User
    from binhan.core import paths
    from binhan.demo.bulk import BulkWriter
    from binhan.geo.models import AdministrativeUnit, Household, Level

    call_command("migrate", verbosity=0)
    nation = AdministrativeUnit.objects.create(code="VN", name="Việt Nam", level=Level.NATION, path="/VN/")
    province = AdministrativeUnit.objects.create(code="22", name="Quảng Ninh", level=Level.PROVINCE, parent=nation,
                                                 path="/VN/22/", depth=1)
    communes = AdministrativeUnit.objects.bulk_create([
        AdministrativeUnit(code=f"{7000 + i}", name=f"Phường {i}", level=Level.COMMUNE, parent=province,
                           path=paths.child_path(province.path, f"{7000 + i}"), depth=2)
        for i in range(max(1, groups // 50))])
    communes = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE).order_by("code"))
    AdministrativeUnit.objects.bulk_create([
        AdministrativeUnit(code=f"{c.code}-{g:03d}", name=f"Tổ dân phố {g}", level=Level.GROUP, parent=c,
                           path=paths.child_path(c.path, f"{c.code}-{g:03d}"), depth=3)
        for c in communes for g in range(1, groups // len(communes) + 1)], batch_size=5000)
    group_list = list(AdministrativeUnit.objects.filter(level=Level.GROUP).order_by("code"))
    per_group = max(1, households // len(group_list))
    writer = BulkWriter(Household, ("id", "unit", "unit_path", "code", "address", "member_count", "head_name",
                                    "head_phone", "created_at", "updated_at"))
    from django.utils import timezone

    now = timezone.now()
    pk = 1
    for group in group_list:
        for number in range(per_group):
            writer.add((pk, group.pk, group.path, "", f"Số {number}", 4, "", "", now, now))
            pk += 1
    writer.flush()
    users = {}
    for role, unit in (("commune_police", communes[0]), ("province_leader", province), ("resident", group_list[0])):
        user = User.objects.create(username=f"demo-{role.replace('_', '-')}", is_demo=True)
        Membership.objects.create(user=user, unit=unit, unit_path=unit.path, role=role)
        users[role] = [user]
    return province, communes, group_list, users


def generate(province, communes, groups, users, seed: int) -> dict:
    from django.db import transaction

    from binhan.demo.registry import SIZES as DEMO_SIZES
    from binhan.demo.registry import DemoContext, step_rng
    from binhan.handovers import demo as handovers_demo
    from binhan.residence import demo as residence_demo

    timings = {}
    for name, function in (("residence", residence_demo.generate_residence),
                           ("handovers", handovers_demo.generate_handovers)):
        ctx = DemoContext(seed=seed, size=DEMO_SIZES["large"], province_code="22", log=lambda message: None,
                          rng=step_rng(seed, name), province=province, communes=communes, groups=groups, users=users)
        started = time.perf_counter()
        with transaction.atomic():
            function(ctx)
        timings[name] = {"seconds": round(time.perf_counter() - started, 1), "rows": ctx.counts}
    return timings


def median_ms(function, runs: int, user) -> float:
    timings = []
    for _ in range(runs):
        user.__dict__.pop("_scope_paths_cache", None)
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def measure(runs: int) -> dict:
    from django.utils import timezone

    from binhan.accounts.models import User
    from binhan.handovers import selectors as handovers
    from binhan.residence import selectors as stays

    police = User.objects.get(username="demo-commune-police")
    leader = User.objects.get(username="demo-province-leader")
    today = timezone.localdate()
    reads = {
        "stay book, count and first page of 50, commune police":
            (police, lambda: (stays.book(viewer=police).count(), list(stays.book(viewer=police)[:50]))),
        "stay book figures and arrivals by lodging (today), commune police":
            (police, lambda: (stays.book_figures(viewer=police, day=today),
                              stays.arrivals_by_lodging(viewer=police, day=today))),
        "stay search by number, commune police":
            (police, lambda: list(stays.search(viewer=police, query="001203004567")[1][:100])),
        "stay search by name (contains), commune police":
            (police, lambda: list(stays.search(viewer=police, query="Văn An")[1][:100])),
        "monthly stay counts, province leader": (leader, lambda: stays.stay_counts(viewer=leader)),
        "handover totals per year and commune, province leader":
            (leader, lambda: handovers.handover_totals(viewer=leader, period="year", by_unit=True)),
        "handover stock, province leader": (leader, lambda: handovers.stock(viewer=leader)),
    }
    return {name: median_ms(function, runs, user) for name, (user, function) in reads.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--households", type=int, default=250_000)  # the steps read only first/last id per group
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    database = prepare()
    import django

    django.setup()
    started = time.perf_counter()
    places = build(args.groups, args.households)
    built = round(time.perf_counter() - started, 1)
    steps = generate(*places, seed=args.seed)
    result = {"database": str(database), "build_seconds": built, "steps": steps, "reads_ms": measure(args.runs)}
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    print(f"places and {args.households:,} households: {built} s")
    for name, step in steps.items():
        print(f"{name} step: {step['seconds']} s  " + ", ".join(f"{k}: {v:,}" for k, v in step["rows"].items()))
    for name, ms in result["reads_ms"].items():
        print(f"{ms:>9} ms  {name}")


if __name__ == "__main__":
    main()
