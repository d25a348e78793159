"""The readiness score of teams, residential groups and communes (see `rules` for the formula).

For pages and the API: `readiness(viewer=, unit=)` and `readiness_by_child(viewer=, unit=)`,
through the scoping door. For trusted background code (the statistics' roll-ups), which does its
own scoping: `readiness_for_path(unit_path=)` and `team_readiness(team_ids=)`. One query for the
teams, then three per 5,000 teams.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db.models import Count, Max, Q
from django.utils import timezone

from binhan.core import paths, scoping
from binhan.firesafety import rules
from binhan.firesafety.models import REQUIRED, Drill, Finding, FireTeam, TeamHousehold
from binhan.firesafety.rules import Readiness
from binhan.firesafety.selectors._common import has_in_date
from binhan.geo.models import AdministrativeUnit

EMPTY = Readiness(households=0, equipped=0, open_findings=0, teams=0, drilled_teams=0, score=0.0)


CHUNK = 5000  # ids per query: well under SQLite's limit on parameters


def team_readiness(*, team_ids: list[int], on: date | None = None) -> dict[int, Readiness]:
    """Each team's readiness on `on` (today). Not scoped: callers pass ids they may see."""
    on = on or timezone.localdate()
    team_ids = list(team_ids)
    result: dict[int, Readiness] = {}
    for start in range(0, len(team_ids), CHUNK):
        result.update(_team_readiness(team_ids[start:start + CHUNK], on))
    return result


def _team_readiness(team_ids: list[int], on: date) -> dict[int, Readiness]:
    flags = {f"has_{kind}": has_in_date(kind, on) for kind in REQUIRED}
    equipped = Q(**{f"has_{kind}": True for kind in REQUIRED})
    sizes = {row["team_id"]: row for row in (
        TeamHousehold.objects.filter(team_id__in=team_ids, left_on__isnull=True).annotate(**flags)
        .values("team_id").annotate(households=Count("id"), equipped=Count("id", filter=equipped)).order_by())}
    findings = dict(Finding.objects.filter(team_id__in=team_ids, status=Finding.Status.OPEN).values("team_id")
                    .annotate(n=Count("id")).values_list("team_id", "n").order_by())
    drills = dict(Drill.teams.through.objects.filter(fireteam_id__in=team_ids, drill__held_on__lte=on)
                  .values("fireteam_id").annotate(last=Max("drill__held_on")).values_list("fireteam_id", "last")
                  .order_by())
    result = {}
    for pk in team_ids:
        size = sizes.get(pk, {"households": 0, "equipped": 0})
        last = drills.get(pk)
        result[pk] = Readiness(
            households=size["households"], equipped=size["equipped"], open_findings=findings.get(pk, 0), teams=1,
            drilled_teams=int(rules.drill_factor(last, on) == 1.0),
            score=rules.team_score(households=size["households"], equipped=size["equipped"],
                                   open_findings=findings.get(pk, 0), last_drill=last, on=on))
    return result


def _teams_under(queryset, unit_path: str) -> list[tuple[int, str]]:
    return list(queryset.filter(status=FireTeam.Status.ACTIVE).filter(paths.under("unit_path", unit_path))
                .values_list("pk", "unit_path").order_by())


def readiness_for_path(*, unit_path: str, on: date | None = None) -> Readiness:
    """The readiness of every active team under `unit_path`. Not scoped: for trusted background code."""
    teams = _teams_under(FireTeam.objects.all(), unit_path)
    return rules.combine(list(team_readiness(team_ids=[pk for pk, _p in teams], on=on).values())) if teams else EMPTY


def readiness(*, viewer, unit: AdministrativeUnit, on: date | None = None) -> Readiness:
    """The readiness of the teams under `unit` that the viewer may see."""
    teams = _teams_under(scoping.visible(FireTeam.objects.all(), viewer), unit.path)
    return rules.combine(list(team_readiness(team_ids=[pk for pk, _p in teams], on=on).values())) if teams else EMPTY


def readiness_by_child(*, viewer, unit: AdministrativeUnit,
                       on: date | None = None) -> list[tuple[AdministrativeUnit, Readiness]]:
    """The readiness of each child unit of `unit` that has teams (communes of a province, groups of a commune)."""
    return readiness_with_children(viewer=viewer, unit=unit, on=on)[1]


def readiness_with_children(*, viewer, unit: AdministrativeUnit, on: date | None = None,
                            ) -> tuple[Readiness, list[tuple[AdministrativeUnit, Readiness]]]:
    """The unit's readiness and its children's, from one reading of the teams (a dashboard needs both)."""
    teams = _teams_under(scoping.visible(FireTeam.objects.all(), viewer), unit.path)
    if not teams:
        return EMPTY, []
    scores = team_readiness(team_ids=[pk for pk, _p in teams], on=on)
    depth = len(paths.codes(unit.path)) + 1
    parts: dict[str, list[Readiness]] = defaultdict(list)
    for pk, team_path in teams:
        parts[paths.truncate(team_path, depth)].append(scores[pk])
    children = AdministrativeUnit.objects.filter(path__in=list(parts)).order_by("path")
    return rules.combine(list(scores.values())), [(child, rules.combine(parts[child.path])) for child in children]
