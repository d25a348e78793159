"""Time the community demo step and the community registers on a copy of the large demo.

    .venv/bin/python bench/community.py [--size large] [--runs 20] [--json]

Copies var/bench/demo-<size>.sqlite3 (made by bench/demo_generation.py) to
var/bench/community-<size>.sqlite3, migrates the copy, runs the demo's `community` step with
the demo's seed, then times the registers' reads (median of --runs) as the province leader
and a commune police officer would make them, the scope cache emptied before each.
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

from _common import BENCH_DIR, copy_database, database_path  # noqa: E402


def prepare(size: str) -> Path:
    source = database_path(size)
    if not source.exists():
        raise SystemExit(f"{source} is missing: run bench/demo_generation.py --size {size} first.")
    target = BENCH_DIR / f"community-{size}.sqlite3"
    copy_database(source, target)
    os.environ.update({"BINHAN_DEMO": "1", "BINHAN_VAR_DIR": str(BENCH_DIR), "DATABASE_URL": f"sqlite:///{target}",
                       "DJANGO_SETTINGS_MODULE": "binhan.settings"})
    return target


def generate(size: str, seed: int) -> tuple[float, dict]:
    from django.core.management import call_command
    from django.db import transaction

    from binhan.accounts.models import User
    from binhan.community import demo as community_demo
    from binhan.demo.registry import SIZES as DEMO_SIZES
    from binhan.demo.registry import DemoContext, step_rng
    from binhan.geo.models import AdministrativeUnit, Level

    call_command("migrate", verbosity=0)
    groups = list(AdministrativeUnit.objects.filter(level=Level.GROUP).order_by("code"))
    communes = list(AdministrativeUnit.objects.filter(pk__in={g.parent_id for g in groups}).order_by("code"))
    users: dict[str, list] = {}
    for user in User.objects.filter(is_demo=True).prefetch_related("memberships").order_by("id"):
        for membership in user.memberships.all():
            users.setdefault(membership.role, []).append(user)
    ctx = DemoContext(seed=seed, size=DEMO_SIZES[size], province_code="22", log=lambda message: None,
                      rng=step_rng(seed, "community"), province=communes[0].parent, communes=communes,
                      groups=groups, users=users)
    started = time.perf_counter()
    with transaction.atomic():
        community_demo.generate_community(ctx)
    return time.perf_counter() - started, ctx.counts


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
    from binhan.community.selectors import commendations, selfmanagement, teams
    from binhan.geo.models import AdministrativeUnit

    leader = User.objects.get(username="demo-province-leader")
    police = User.objects.get(username="demo-commune-police")
    province = AdministrativeUnit.objects.get(path=leader.memberships.get().unit_path)
    commune = AdministrativeUnit.objects.get(path=police.memberships.get().unit_path)
    reads = {
        "register per commune (models, sites, teams), province leader":
            (leader, lambda: selfmanagement.register(viewer=leader, unit=province)),
        "register per group, commune police": (police, lambda: selfmanagement.register(viewer=police, unit=commune)),
        "model list, count and first page of 50, province leader":
            (leader, lambda: (selfmanagement.model_list(viewer=leader).count(),
                              list(selfmanagement.model_list(viewer=leader)[:50]))),
        "team list, count and first page of 50, province leader":
            (leader, lambda: (teams.team_list(viewer=leader).count(), list(teams.team_list(viewer=leader)[:50]))),
        "team list, count and first page of 50, commune police":
            (police, lambda: (teams.team_list(viewer=police).count(), list(teams.team_list(viewer=police)[:50]))),
        "teams under the expected size, count, province leader":
            (leader, lambda: teams.team_list(viewer=leader, filters=teams.TeamFilters(size="under")).count()),
        "team figures (teams, members, under/over, on patrol, 30 days), province leader":
            (leader, lambda: teams.team_figures(viewer=leader, unit_path=province.path)),
        "patrol log, first page of 50 and patrols on now, province leader":
            (leader, lambda: (list(teams.patrol_list(viewer=leader)[:50]),
                              list(teams.patrol_list(viewer=leader, filters=teams.PatrolFilters(open_only=True))[:100]))),
        "patrol log, count, province leader": (leader, lambda: teams.patrol_list(viewer=leader).count()),
        "commendations per year and level, province leader":
            (leader, lambda: commendations.commendation_counts(viewer=leader)),
    }
    return {name: median_ms(function, runs, user) for name, (user, function) in reads.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", default="large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    database = prepare(args.size)
    import django

    django.setup()
    seconds, counts = generate(args.size, args.seed)
    result = {"size": args.size, "database": str(database), "generate_seconds": round(seconds, 1),
              "rows": counts, "reads_ms": measure(args.runs)}
    if args.json:
        print(json.dumps(result, indent=1, ensure_ascii=False))
        return
    print(f"community step: {result['generate_seconds']} s")
    for kind, number in counts.items():
        print(f"  {kind}: {number:,}")
    for name, ms in result["reads_ms"].items():
        print(f"{ms:>9} ms  {name}")


if __name__ == "__main__":
    main()
