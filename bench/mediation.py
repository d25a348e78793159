"""Time the mediation demo step and the mediation reads at the large demo's scale.

    .venv/bin/python bench/mediation.py [--groups 5000] [--communes 60] [--runs 20] [--json]

Builds its own SQLite file, var/bench/mediation.sqlite3: a province with --communes communes and
--groups residential groups (the large demo has 5,000), three staff users, then runs the demo's
`mediation` step (a team per group, about six mediators each, two years of cases) and times the
reads (median of --runs, the scope cache emptied before each) as the province leader, a commune
police officer and a team leader would make them.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import BENCH_DIR, remove_database  # noqa: E402


def prepare() -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    target = BENCH_DIR / "mediation.sqlite3"
    remove_database(target)
    os.environ.update({"BINHAN_DEMO": "1", "BINHAN_VAR_DIR": str(BENCH_DIR), "DATABASE_URL": f"sqlite:///{target}",
                       "DJANGO_SETTINGS_MODULE": "binhan.settings"})
    return target


def build_area(communes: int, groups: int):
    from django.core.management import call_command

    from binhan.accounts.models import Membership, User
    from binhan.accounts.roles import Role
    from binhan.core.paths import child_path
    from binhan.geo.models import AdministrativeUnit, Level

    call_command("migrate", verbosity=0)
    nation = AdministrativeUnit.objects.create(code="VN", name="Việt Nam", level=Level.NATION, path="/VN/")
    province = AdministrativeUnit.objects.create(code="22", name="Quảng Ninh", level=Level.PROVINCE, parent=nation,
                                                 path=child_path(nation.path, "22"))
    commune_rows = AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(code=f"{7000 + n}", name=f"Phường {n}", level=Level.COMMUNE, parent=province,
                           path=child_path(province.path, f"{7000 + n}")) for n in range(communes))
    commune_rows = list(AdministrativeUnit.objects.filter(level=Level.COMMUNE).order_by("code"))
    AdministrativeUnit.objects.bulk_create(
        AdministrativeUnit(code=f"{c.code}-{n:03d}", name=f"Tổ dân phố {n}", level=Level.GROUP, parent=c,
                           path=child_path(c.path, f"{c.code}-{n:03d}"))
        for index, c in enumerate(commune_rows) for n in range(1, groups // communes + (index < groups % communes) + 1))
    group_rows = list(AdministrativeUnit.objects.filter(level=Level.GROUP).order_by("code"))
    users = {}
    for role, unit in ((Role.PROVINCE_LEADER, province), (Role.COMMUNE_POLICE, commune_rows[0]),
                       (Role.MEDIATOR, group_rows[0])):
        user = User.objects.create(username=f"demo-{role.replace('_', '-')}", is_demo=True)
        Membership.objects.create(user=user, unit=unit, unit_path=unit.path, role=role)
        users[str(role)] = [user]
    return province, commune_rows, group_rows, users


def generate(province, communes, groups, users, seed: int) -> tuple[float, dict]:
    from django.db import transaction

    from binhan.demo.registry import SIZES, DemoContext, step_rng
    from binhan.mediation import demo

    ctx = DemoContext(seed=seed, size=SIZES["large"], province_code="22", log=lambda message: None,
                      rng=step_rng(seed, "mediation"), province=province, communes=communes, groups=groups,
                      users=users)
    started = time.perf_counter()
    with transaction.atomic():
        demo.generate_mediation(ctx)
    return time.perf_counter() - started, ctx.counts


def median_ms(function, runs: int, user) -> float:
    timings = []
    for _ in range(runs):
        user.__dict__.pop("_scope_paths_cache", None)
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def measure(runs: int, province, commune) -> dict:
    from django.utils import timezone

    from binhan.accounts.models import User
    from binhan.mediation.models import Mediator
    from binhan.mediation.selectors import cases, summary, teams

    leader = User.objects.get(username="demo-province-leader")
    police = User.objects.get(username="demo-commune-police")
    mediator = User.objects.get(username="demo-mediator")
    team = Mediator.objects.get(user=mediator).team
    year = timezone.localdate().year
    reads = {
        "yearly summary of the province, province leader":
            (leader, lambda: summary.yearly_summary(viewer=leader, unit=province, year=year)),
        "yearly summary per commune (breakdown), province leader":
            (leader, lambda: summary.yearly_breakdown(viewer=leader, unit=province, year=year)),
        "yearly summary per team of a commune, commune police":
            (police, lambda: summary.yearly_breakdown(viewer=police, unit=commune, year=year)),
        "team register, count and first page of 50 (composition counts), province leader":
            (leader, lambda: (teams.team_list(viewer=leader).count(), list(teams.team_list(viewer=leader)[:50]))),
        "case list, count and first page of 50, commune police":
            (police, lambda: (cases.case_list(viewer=police).count(), list(cases.case_list(viewer=police)[:50]))),
        "my cases and today's sessions, team leader":
            (mediator, lambda: (list(cases.my_cases(viewer=mediator)), list(cases.todays_sessions(viewer=mediator)))),
        "log book of a team for two years, commune police":
            (police, lambda: cases.log_book(viewer=police, team=team, start=date(year - 2, 1, 1),
                                            end=date(year, 12, 31))),
    }
    return {name: median_ms(function, runs, user) for name, (user, function) in reads.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=int, default=5000)
    parser.add_argument("--communes", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    database = prepare()
    import django

    django.setup()
    province, communes, groups, users = build_area(args.communes, args.groups)
    seconds, counts = generate(province, communes, groups, users, args.seed)
    result = {"groups": len(groups), "database": str(database), "generate_seconds": round(seconds, 1),
              "rows": counts, "reads_ms": measure(args.runs, province, communes[0])}
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    print(f"mediation step for {len(groups):,} groups: {result['generate_seconds']} s")
    for kind, number in counts.items():
        print(f"  {kind}: {number:,}")
    for name, ms in result["reads_ms"].items():
        print(f"{ms:>9} ms  {name}")


if __name__ == "__main__":
    main()
