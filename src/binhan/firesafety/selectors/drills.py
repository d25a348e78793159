"""Drills, trainings and competitions with their rankings."""

from __future__ import annotations

from django.db.models import Count, QuerySet, Sum

from binhan.core import paths, scoping
from binhan.firesafety.models import Competition, Drill, FireTeam, Score


def drill_list(*, viewer, unit=None, team: FireTeam | None = None) -> QuerySet[Drill]:
    drills = scoping.visible(Drill.objects.all(), viewer)
    if unit is not None:
        drills = drills.filter(paths.under("unit_path", unit.path))
    if team is not None:
        drills = drills.filter(teams=team)
    return drills.select_related("unit").annotate(team_count=Count("teams")).order_by("-held_on", "-id")


def competition_list(*, viewer) -> QuerySet[Competition]:
    return (scoping.visible(Competition.objects.all(), viewer).select_related("unit")
            .annotate(team_count=Count("scores__team", distinct=True)).order_by("-year", "unit_path", "id"))


def competition_get(*, viewer, pk: int) -> Competition:
    return scoping.get_visible_or_404(Competition.objects.select_related("unit"), viewer, pk=pk)


def ranking(*, competition: Competition) -> list[dict]:
    """Teams by total points, best first; equal totals share a rank."""
    rows = list(Score.objects.filter(competition=competition).values("team_id", "team__name")
                .annotate(total=Sum("points"), rounds=Count("id")).order_by("-total", "team__name"))
    rank, previous = 0, None
    for number, row in enumerate(rows, start=1):
        if row["total"] != previous:
            rank, previous = number, row["total"]
        row["rank"] = rank
    return rows
