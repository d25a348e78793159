"""Time the fire-safety demo step and its reads at the large demo scale (a million households).

    .venv/bin/python bench/firesafety.py [--size large] [--runs 10] [--json] [--reuse]

Makes var/bench/firesafety-<size>.sqlite3 from scratch with only the platform's demo steps
(units, groups, households, users) and the `firesafety` step, then times the reads (median of
--runs) as the province leader and a commune police officer would make them, the scope cache
emptied before each: readiness of the province and per commune, the overdue register per area
and per team, the first page of the overdue list, the team list, the map layers, a team page's map
(households with their state and place, points) and the fire panel of a report (nearest points,
households with an in-date extinguisher, nearest first). `--reuse` measures again on the file
made before (migrated first), without generating it anew.
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


def prepare(size: str, *, reuse: bool = False) -> Path:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    target = BENCH_DIR / f"firesafety-{size}.sqlite3"
    if reuse and not target.exists():
        raise SystemExit(f"{target} is missing: run bench/firesafety.py --size {size} first.")
    if not reuse:
        remove_database(target)
    os.environ.update({"BINHAN_DEMO": "1", "BINHAN_VAR_DIR": str(BENCH_DIR), "DATABASE_URL": f"sqlite:///{target}",
                       "DJANGO_SETTINGS_MODULE": "binhan.settings"})
    return target


def generate(size: str, seed: int) -> tuple[dict, dict]:
    from django.core.management import call_command
    from django.db import transaction

    from binhan.demo import services as demo_services
    from binhan.demo.registry import SIZES, DemoContext, step_rng, steps

    call_command("migrate", verbosity=0)
    demo_services._load_steps()
    ctx = DemoContext(seed=seed, size=SIZES[size], province_code="22", log=lambda message: None)
    seconds = {}
    with transaction.atomic():
        for step in steps():
            if step.order >= 100 and step.name != "firesafety":
                continue
            ctx.rng = step_rng(seed, step.name)
            started = time.perf_counter()
            step.function(ctx)
            seconds[step.name] = round(time.perf_counter() - started, 1)
    return seconds, ctx.counts


def median_ms(function, runs: int, user) -> float:
    timings = []
    for _ in range(runs):
        user.__dict__.pop("_scope_paths_cache", None)
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(timings), 1)


def measure(runs: int) -> dict:
    from binhan.accounts.models import User
    from binhan.firesafety.selectors import equipment, maps, points, readiness, teams
    from binhan.firesafety.selectors import reports as fire_reports
    from binhan.geo.models import AdministrativeUnit
    from binhan.reports.models import Report

    leader = User.objects.get(username="demo-province-leader")
    police = User.objects.get(username="demo-commune-police")
    province = AdministrativeUnit.objects.get(path=leader.memberships.get().unit_path)
    commune = AdministrativeUnit.objects.get(path=police.memberships.get().unit_path)
    overdue = equipment.EquipmentFilters(status="overdue")
    # The commune's largest team, and a fire at its group's centre (an unsaved report: the panel reads
    # only its group and place).
    team = (teams.team_list(viewer=police).select_related("unit").order_by("-household_count", "id").first())
    fire = Report(unit_path=team.unit_path, lat=team.unit.centre_lat, lon=team.unit.centre_lon)

    def team_page_map():
        return maps.team_map(team=team, households=list(teams.team_households(team=team)),
                             points=points.team_points(viewer=police, team=team))

    reads = {
        "readiness of the province (all teams), province leader":
            (leader, lambda: readiness.readiness(viewer=leader, unit=province)),
        "readiness per commune, province leader": (leader, lambda: readiness.readiness_by_child(viewer=leader,
                                                                                                unit=province)),
        "readiness per group, commune police": (police, lambda: readiness.readiness_by_child(viewer=police,
                                                                                             unit=commune)),
        "overdue items per commune, province leader": (leader, lambda: equipment.overdue_by_area(viewer=leader,
                                                                                                 unit=province)),
        "overdue items per team (top 20), province leader":
            (leader, lambda: equipment.overdue_by_team(viewer=leader, unit=province, limit=20)),
        "overdue list, count and first page of 50, province leader":
            (leader, lambda: (equipment.equipment_list(viewer=leader, filters=overdue).count(),
                              list(equipment.equipment_list(viewer=leader, filters=overdue)[:50]))),
        "overdue list, count and first page of 50, commune police":
            (police, lambda: (equipment.equipment_list(viewer=police, filters=overdue).count(),
                              list(equipment.equipment_list(viewer=police, filters=overdue)[:50]))),
        "team list, count and first page of 50, province leader":
            (leader, lambda: (teams.team_list(viewer=leader).count(), list(teams.team_list(viewer=leader)[:50]))),
        "map: points with their state, province leader": (leader, lambda: maps.point_features(viewer=leader)),
        "map: teams with their score, province leader": (leader, lambda: maps.team_features(viewer=leader)),
        f"team page: households with their state and places, points (map), commune police, "
        f"{team.household_count} households": (police, team_page_map),
        "fire panel: nearest 5 points of the commune, households with an in-date extinguisher, commune police":
            (police, lambda: (fire_reports.nearest_points(viewer=police, report=fire),
                              fire_reports.households_with_extinguisher(viewer=police, report=fire))),
    }
    return {name: median_ms(function, runs, user) for name, (user, function) in reads.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure the reads again on the file made before")
    args = parser.parse_args()
    database = prepare(args.size, reuse=args.reuse)
    import django

    django.setup()
    if args.reuse:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        seconds, counts = {}, {}
    else:
        seconds, counts = generate(args.size, args.seed)
    result = {"size": args.size, "database": str(database), "step_seconds": seconds, "rows": counts,
              "reads_ms": measure(args.runs)}
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    for name, value in seconds.items():
        print(f"{name} step: {value} s")
    for kind, number in counts.items():
        print(f"  {kind}: {number:,}")
    for name, ms in result["reads_ms"].items():
        print(f"{ms:>9} ms  {name}")


if __name__ == "__main__":
    main()
