"""Yearly mediation summaries per team, commune and province: counts only, never a person.

The statistics use these. The definitions, for the cases *received* in the calendar year:

- received = referred + successful + unsuccessful + pending
- referred: not mediable (one of the law's exclusions), sent to another body
- mediated = successful + unsuccessful (mediation concluded)
- pending: received, open, assigned or under way at the time of reading
- success rate = successful / mediated (None when nothing was mediated)
- workload: mediator assignments on those cases, per active mediator now in the unit's teams

`yearly_summary(viewer=, unit=|team=, year=)` checks that the viewer has a staff role over the
unit (404 otherwise, as the scoping door does). `yearly_breakdown(viewer=, unit=, year=)` gives one
summary per team (commune or group) or per commune (province and above). `yearly_counts(path=, year=)`
is the unchecked core, for background roll-ups that run without a viewer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.http import Http404

from binhan.core import audit, paths, scoping
from binhan.geo.models import AdministrativeUnit, Level
from binhan.mediation.models import (
    Assignment,
    CaseStatus,
    DisputeType,
    MediationCase,
    MediationTeam,
    Mediator,
)
from binhan.mediation.roles import SUMMARY_ROLES

SUPPRESS_BELOW = 5  # public views hide counts under 5 (DESIGN.md rule 6)


@dataclass
class TypeCounts:
    received: int = 0
    referred: int = 0
    successful: int = 0
    unsuccessful: int = 0
    pending: int = 0

    @property
    def mediated(self) -> int:
        return self.successful + self.unsuccessful


@dataclass
class YearlySummary:
    year: int
    path: str
    label: str = ""
    received: int = 0
    referred: int = 0
    successful: int = 0
    unsuccessful: int = 0
    pending: int = 0
    by_type: dict[str, TypeCounts] = field(default_factory=dict)
    teams: int = 0
    mediators: int = 0
    assignments: int = 0

    @property
    def mediated(self) -> int:
        return self.successful + self.unsuccessful

    @property
    def success_rate(self) -> float | None:
        return round(self.successful / self.mediated, 4) if self.mediated else None

    @property
    def workload(self) -> float | None:
        """Cases per active mediator (assignments on the year's cases / mediators)."""
        return round(self.assignments / self.mediators, 2) if self.mediators else None

    def type_rows(self) -> list[tuple[str, str, TypeCounts]]:
        return [(code, label, self.by_type.get(code, TypeCounts())) for code, label in DisputeType.choices]

    def as_dict(self) -> dict:
        return {"year": self.year, "path": self.path, "received": self.received, "mediated": self.mediated,
                "successful": self.successful, "unsuccessful": self.unsuccessful, "referred": self.referred,
                "pending": self.pending, "success_rate": self.success_rate, "teams": self.teams,
                "mediators": self.mediators, "workload": self.workload,
                "by_type": {code: {"received": c.received, "successful": c.successful,
                                   "unsuccessful": c.unsuccessful, "referred": c.referred, "pending": c.pending}
                            for code, _label, c in self.type_rows()}}


def suppress(value: int) -> int | None:
    """For public views: None stands for a count too small to show."""
    return value if value == 0 or value >= SUPPRESS_BELOW else None


def _year_range(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def _add(summary: YearlySummary, dispute_type: str, status: str, n: int) -> None:
    counts = summary.by_type.setdefault(dispute_type, TypeCounts())
    counts.received += n
    summary.received += n
    if status == CaseStatus.REFERRED:
        key = "referred"
    elif status == CaseStatus.SUCCESSFUL:
        key = "successful"
    elif status == CaseStatus.UNSUCCESSFUL:
        key = "unsuccessful"
    else:
        key = "pending"
    setattr(counts, key, getattr(counts, key) + n)
    setattr(summary, key, getattr(summary, key) + n)


def yearly_counts(*, path: str, year: int, team: MediationTeam | None = None) -> YearlySummary:
    """The summary of the teams under `path` (or of one team), without a permission check: four queries."""
    start, end = _year_range(year)
    cases = MediationCase.objects.filter(received_on__gte=start, received_on__lte=end)
    mediators = Mediator.objects.filter(status=Mediator.Status.ACTIVE, team__status=MediationTeam.Status.ACTIVE)
    teams = MediationTeam.objects.filter(status=MediationTeam.Status.ACTIVE)
    if team is not None:
        cases, mediators, teams = cases.filter(team=team), mediators.filter(team=team), teams.filter(pk=team.pk)
    else:
        cases = cases.filter(paths.under("unit_path", path))
        mediators = mediators.filter(paths.under("unit_path", path))
        teams = teams.filter(paths.under("unit_path", path))
    summary = YearlySummary(year=year, path=path)
    for row in cases.order_by().values("dispute_type", "status").annotate(n=Count("id")):
        _add(summary, row["dispute_type"], row["status"], row["n"])
    summary.teams = teams.count()
    summary.mediators = mediators.count()
    summary.assignments = Assignment.objects.filter(case__in=cases.values("pk")).count()
    return summary


def _check(viewer, path: str, obj) -> None:
    if not scoping.can_see_path(viewer, path, roles=SUMMARY_ROLES):
        audit.record(actor=viewer, action="access.denied", obj=obj)
        raise Http404


def yearly_summary(*, viewer, year: int, unit: AdministrativeUnit | None = None,
                   team: MediationTeam | None = None) -> YearlySummary:
    """The year's summary of one team, or of every team under a unit (group, commune, province)."""
    if (unit is None) == (team is None):
        raise TypeError("Give either unit or team.")
    if team is not None:
        _check(viewer, team.unit_path, team)
        summary = yearly_counts(path=team.unit_path, year=year, team=team)
        summary.label = team.name
        return summary
    _check(viewer, unit.path, unit)
    summary = yearly_counts(path=unit.path, year=year)
    summary.label = unit.display_name
    return summary


def yearly_breakdown(*, viewer, unit: AdministrativeUnit, year: int) -> list[YearlySummary]:
    """One summary per team (for a commune or group) or per commune (for a province or above): six queries,
    grouped in the database (a province of 5,000 teams never loads them one by one)."""
    _check(viewer, unit.path, unit)
    start, end = _year_range(year)
    by_commune = unit.level in (Level.NATION, Level.PROVINCE)
    key = "team__commune_id" if by_commune else "team_id"
    under = paths.under("unit_path", unit.path)
    cases = MediationCase.objects.filter(under, received_on__gte=start, received_on__lte=end)
    active_teams = MediationTeam.objects.filter(under, status=MediationTeam.Status.ACTIVE)
    team_counts = dict(active_teams.order_by().values_list("commune_id" if by_commune else "id")
                       .annotate(n=Count("id")).values_list("commune_id" if by_commune else "id", "n"))
    mediator_counts = dict(
        Mediator.objects.filter(under, status=Mediator.Status.ACTIVE, team__status=MediationTeam.Status.ACTIVE)
        .order_by().values(key).annotate(n=Count("id")).values_list(key, "n"))
    summaries: dict[int, YearlySummary] = {}
    for row in cases.order_by().values(key, "dispute_type", "status").annotate(n=Count("id")):
        summary = summaries.setdefault(row[key], YearlySummary(year=year, path=""))
        _add(summary, row["dispute_type"], row["status"], row["n"])
    assignments = (Assignment.objects.filter(paths.under("case__unit_path", unit.path), case__received_on__gte=start,
                                             case__received_on__lte=end)
                   .order_by().values(f"case__{key}").annotate(n=Count("id")).values_list(f"case__{key}", "n"))
    for group, n in assignments:
        if group in summaries:
            summaries[group].assignments = n
    for group in team_counts:
        summaries.setdefault(group, YearlySummary(year=year, path=""))
    if by_commune:
        labels = {u.pk: (u.path, u.display_name) for u in AdministrativeUnit.objects.filter(pk__in=list(summaries))}
    else:
        labels = {t.pk: (t.unit_path, t.name) for t in MediationTeam.objects.filter(pk__in=list(summaries))
                  .only("id", "unit_path", "name")}
    for group, summary in summaries.items():
        summary.path, summary.label = labels.get(group, ("", ""))
        summary.teams, summary.mediators = team_counts.get(group, 0), mediator_counts.get(group, 0)
    return sorted(summaries.values(), key=lambda s: (s.path, s.label))
