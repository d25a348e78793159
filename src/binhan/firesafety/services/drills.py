"""Drills and trainings of teams, and the yearly competitions between them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext as _

from binhan.core import audit, paths
from binhan.core.exceptions import ServiceError
from binhan.firesafety.models import Competition, Drill, FireTeam, Score
from binhan.firesafety.services._common import check_keeper, check_manager, check_past, clean_text, publish
from binhan.firesafety.services.inspections import check_photo
from binhan.geo.models import AdministrativeUnit


@transaction.atomic
def drill_record(
    *, actor, unit: AdministrativeUnit, teams: list[FireTeam], held_on: date, scenario: str,
    kind: str = Drill.Kind.DRILL, participants: int = 0, duration_minutes: int | None = None,
    result: str = Drill.Result.GOOD, note: str = "", photo=None,
) -> Drill:
    """Teams of a unit held a drill or a training: when, who, what scenario, how long, how it went."""
    check_keeper(actor, unit.path)
    if not teams:
        raise ServiceError(_("Choose at least one team."), field="teams")
    if any(not team.unit_path.startswith(unit.path) for team in teams):
        raise ServiceError(_("The teams must belong to the unit."), field="teams")
    if kind not in Drill.Kind.values:
        raise ServiceError(_("Choose a kind."), field="kind")
    if result not in Drill.Result.values:
        raise ServiceError(_("Choose a result."), field="result")
    check_past(held_on, field="held_on")
    drill = Drill(unit=unit, unit_path=unit.path, kind=kind, held_on=held_on, participants=participants,
                  scenario=clean_text(scenario, field="scenario", limit=300, required=_("Describe the scenario.")),
                  duration_minutes=duration_minutes, result=result, note=clean_text(note, field="note", limit=2000))
    check_photo(photo)
    if photo is not None:
        drill.photo = photo
    drill.full_clean(exclude=["unit", "photo"])
    drill.save()
    drill.teams.set(teams)
    audit.record(actor=actor, action="firesafety.drill.record", obj=drill,
                 changes={"held_on": [None, held_on], "teams": [None, sorted(t.pk for t in teams)]})
    publish("drill.recorded", unit_path=drill.unit_path, drill_id=drill.pk, team_ids=sorted(t.pk for t in teams))
    return drill


@transaction.atomic
def competition_create(*, actor, unit: AdministrativeUnit, year: int, name: str) -> Competition:
    """A commune or the province holds its yearly competition between teams."""
    check_manager(actor, unit.path)
    competition = Competition(unit=unit, unit_path=unit.path, year=year,
                              name=clean_text(name, field="name", limit=200, required=_("Give it a name.")))
    competition.full_clean(exclude=["unit"])
    competition.save()
    audit.record(actor=actor, action="firesafety.competition.create", obj=competition,
                 changes={"name": [None, competition.name], "year": [None, year]})
    publish("competition.changed", unit_path=competition.unit_path, competition_id=competition.pk)
    return competition


@transaction.atomic
def score_record(*, actor, competition: Competition, team: FireTeam, round: str, points) -> Score:  # noqa: A002
    """A team's score in a round (recorded again, it replaces the earlier one)."""
    check_manager(actor, competition.unit_path)
    if not paths.is_under(team.unit_path, [competition.unit_path]):
        raise ServiceError(_("The team must belong to the organising unit."), field="team")
    round_name = clean_text(round, field="round", limit=80, required=_("Name the round."))
    try:
        value = Decimal(str(points)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Give the points as a number from 0 to 1000."), field="points") from None
    if not Decimal(0) <= value <= Decimal(1000):
        raise ServiceError(_("Give the points as a number from 0 to 1000."), field="points")
    score, created = Score.objects.update_or_create(competition=competition, team=team, round=round_name,
                                                    defaults={"points": value})
    audit.record(actor=actor, action="firesafety.score.record", obj=competition, changes={
        "team": team.pk, "round": round_name, "points": [None if created else "…", str(value)]})
    publish("competition.changed", unit_path=competition.unit_path, competition_id=competition.pk, team_id=team.pk)
    return score
