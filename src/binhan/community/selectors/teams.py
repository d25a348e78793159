"""Reads of security teams: the register (with expected size), members, rosters, patrols and ratings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db.models import (
    Case,
    Count,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from binhan.community import rules
from binhan.community.models import (
    DutyShift,
    PatrolLog,
    ProvinceRule,
    SecurityTeam,
    TeamArea,
    TeamMember,
    TeamRating,
)
from binhan.community.roles import MANAGER_ROLES
from binhan.core import paths, scoping
from binhan.geo.models import Household

SIZE_UNDER, SIZE_OVER, SIZE_OK = "under", "over", "ok"


@dataclass(frozen=True)
class TeamFilters:
    query: str = ""
    unit_path: str = ""
    size: str = ""  # "", "under", "over", "ok"
    status: str = SecurityTeam.Status.ACTIVE


def _population() -> Coalesce:
    households = (Household.objects.filter(unit__security_team_areas__team=OuterRef("pk")).order_by()
                  .values("unit__security_team_areas__team").annotate(n=Sum("member_count")).values("n")[:1])
    return Coalesce(Subquery(households, output_field=IntegerField()), Value(0))


def _active_members() -> Coalesce:
    members = (TeamMember.objects.filter(team=OuterRef("pk"), status=TeamMember.Status.ACTIVE).order_by()
               .values("team").annotate(n=Count("pk")).values("n")[:1])
    return Coalesce(Subquery(members, output_field=IntegerField()), Value(0))


def _size_expression(rule: ProvinceRule):
    """The province rule as SQL: the expected size of a team of `population` people."""
    bands = sorted((int(limit), int(size)) for limit, size in rule.size_bands) or [(0, 3)]
    last_limit, last_size = bands[-1]
    if rule.extra_per:
        # last size + ceil((population - last limit) / extra_per), in integer arithmetic
        above = ExpressionWrapper(Value(last_size) + (F("population") - Value(last_limit) + Value(rule.extra_per - 1))
                                  / Value(rule.extra_per), output_field=IntegerField())
    else:
        above = Value(rule.size_above)
    return Case(*[When(population__lte=limit, then=Value(size)) for limit, size in bands], default=above,
                output_field=IntegerField())


def _expected_size():
    province_rules = list(ProvinceRule.objects.select_related("province").filter(province__isnull=False))
    default = next(iter(ProvinceRule.objects.filter(province__isnull=True)), None) or ProvinceRule(
        size_bands=[[2000, 3]], size_above=4)
    if not province_rules:
        return _size_expression(default)
    return Case(*[When(paths.under("unit_path", rule.province.path), then=_size_expression(rule))
                  for rule in province_rules], default=_size_expression(default), output_field=IntegerField())


def visible_teams(*, viewer) -> QuerySet[SecurityTeam]:
    return scoping.visible(SecurityTeam.objects.all(), viewer)


def team_list(*, viewer, filters: TeamFilters = TeamFilters()) -> QuerySet[SecurityTeam]:
    """Teams with their population, active members and expected size (by the province rule)."""
    teams = visible_teams(viewer=viewer)
    if filters.status:
        teams = teams.filter(status=filters.status)
    if filters.unit_path:
        teams = teams.filter(paths.under("unit_path", filters.unit_path))
    if filters.query:
        teams = teams.filter(Q(name__icontains=filters.query) | Q(unit__name__icontains=filters.query))
    teams = teams.annotate(population=_population(), active_members=_active_members()).annotate(
        expected_size=_expected_size())
    if filters.size == SIZE_UNDER:
        teams = teams.filter(active_members__lt=F("expected_size"))
    elif filters.size == SIZE_OVER:
        teams = teams.filter(active_members__gt=F("expected_size"))
    elif filters.size == SIZE_OK:
        teams = teams.filter(active_members=F("expected_size"))
    return teams.select_related("unit", "commune").order_by("unit_path", "id")


def team_get(*, viewer, pk: int) -> SecurityTeam:
    return scoping.get_visible_or_404(
        SecurityTeam.objects.select_related("unit", "commune").annotate(
            population=_population(), active_members=_active_members()).annotate(expected_size=_expected_size()),
        viewer, pk=pk)


def team_areas(*, team: SecurityTeam) -> list:
    return [area.unit for area in team.areas.select_related("unit").order_by("unit__code")]


def team_members(*, team: SecurityTeam, include_left: bool = False) -> QuerySet[TeamMember]:
    members = team.members.select_related("user").defer(*TeamMember.personal_fields)
    if not include_left:
        members = members.exclude(status=TeamMember.Status.LEFT)
    return members.order_by("position", "full_name", "id")


def member_get(*, viewer, pk: int) -> TeamMember:
    return scoping.get_visible_or_404(TeamMember.objects.select_related("team", "team__unit", "user"), viewer, pk=pk)


def team_shifts(*, team: SecurityTeam, since: datetime | None = None, days: int = 14) -> QuerySet[DutyShift]:
    since = since or timezone.now() - timedelta(hours=12)
    return (team.shifts.filter(ends_at__gt=since, starts_at__lt=since + timedelta(days=days))
            .select_related("member", "swapped_from").order_by("starts_at", "id"))


def team_patrols(*, team: SecurityTeam) -> QuerySet[PatrolLog]:
    return team.patrols.select_related("member", "report").order_by("-started_at", "-id")


def team_ratings(*, team: SecurityTeam) -> QuerySet[TeamRating]:
    return team.ratings.select_related("rated_by").order_by("-year")


@dataclass(frozen=True)
class PatrolFilters:
    unit_path: str = ""
    open_only: bool = False
    since: datetime | None = None
    until: datetime | None = None


def patrol_list(*, viewer, filters: PatrolFilters = PatrolFilters()) -> QuerySet[PatrolLog]:
    patrols = scoping.visible(PatrolLog.objects.all(), viewer)
    if filters.unit_path:
        patrols = patrols.filter(paths.under("unit_path", filters.unit_path))
    if filters.open_only:
        patrols = patrols.filter(ended_at__isnull=True)
    if filters.since:
        patrols = patrols.filter(started_at__gte=filters.since)
    if filters.until:
        patrols = patrols.filter(started_at__lt=filters.until)
    return patrols.select_related("team", "team__unit", "member", "report").order_by("-started_at", "-id")


def patrol_get(*, viewer, pk: int) -> PatrolLog:
    return scoping.get_visible_or_404(PatrolLog.objects.select_related("team", "team__unit", "member", "report"),
                                      viewer, pk=pk)


@dataclass(frozen=True)
class PeriodFigures:
    tasks_assigned: int
    tasks_done: int
    patrols: int
    reports_handled: int

    @property
    def done_percent(self) -> float:
        return round(self.tasks_done * 100 / self.tasks_assigned, 1) if self.tasks_assigned else 0.0


def _bounds(rating_period: rules.Period) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (datetime.combine(rating_period.start, time.min, tzinfo=zone),
            datetime.combine(rating_period.end + timedelta(days=1), time.min, tzinfo=zone))


def team_period_figures(*, team: SecurityTeam, rating_period: rules.Period) -> PeriodFigures:
    """The figures a rating rests on: shifts (tasks) assigned and done, patrols, reports handled."""
    from binhan.reports.models import CLOSED_STATUSES, Report, TeamType

    start, end = _bounds(rating_period)
    shifts = DutyShift.objects.filter(team=team, starts_at__gte=start, starts_at__lt=end).aggregate(
        assigned=Count("pk"), done=Count("pk", filter=Q(patrols__ended_at__isnull=False), distinct=True))
    patrols = PatrolLog.objects.filter(team=team, started_at__gte=start, started_at__lt=end,
                                       ended_at__isnull=False).count()
    groups = TeamArea.objects.filter(team=team).values("unit_id")
    handled = Report.objects.filter(
        Q(assigned_team=TeamType.SECURITY, unit_id__in=groups, status__in=CLOSED_STATUSES)
        | Q(pk__in=PatrolLog.objects.filter(team=team, report__isnull=False).values("report_id")),
        closed_at__gte=start, closed_at__lt=end).count()
    return PeriodFigures(tasks_assigned=shifts["assigned"], tasks_done=shifts["done"], patrols=patrols,
                         reports_handled=handled)


def member_period_figures(*, member: TeamMember, rating_period: rules.Period) -> tuple[int, int]:
    """A member's shifts in the period, and those with a finished patrol or duty."""
    start, end = _bounds(rating_period)
    shifts = DutyShift.objects.filter(member=member, starts_at__gte=start, starts_at__lt=end).aggregate(
        assigned=Count("pk"), done=Count("pk", filter=Q(patrols__ended_at__isnull=False), distinct=True))
    return shifts["assigned"], shifts["done"]


def rateable_team_count(*, commune_id: int, rating_period: rules.Period, rule: ProvinceRule) -> int:
    """Active teams of the commune that worked long enough in the period to be rated."""
    teams = SecurityTeam.objects.filter(commune_id=commune_id, status=SecurityTeam.Status.ACTIVE)
    return sum(1 for established in teams.values_list("established_on", flat=True)
               if rules.months_between(established, rating_period.end) >= rule.min_months_rated)


def team_assigned_reports(*, viewer, team: SecurityTeam, limit: int = 20):
    """Open reports the police gave to the security team in the team's groups.

    Police and leaders see them through the reports' own door; the team's own members see the
    reference, category and status only (the page shows no description and no reporter).
    """
    from binhan.reports.models import OPEN_STATUSES, Report, TeamType

    groups = TeamArea.objects.filter(team=team).values("unit_id")
    reports = Report.objects.filter(assigned_team=TeamType.SECURITY, unit_id__in=groups, status__in=OPEN_STATUSES)
    if not scoping.can_see_path(viewer, team.unit_path, roles=MANAGER_ROLES) and not team.members.filter(
            user=viewer, status=TeamMember.Status.ACTIVE).exists() and not viewer.is_superuser:
        return Report.objects.none()
    return reports.select_related("category", "unit").order_by("-created_at")[:limit]


@dataclass
class Duty:
    member: TeamMember
    shifts: list
    open_patrol: PatrolLog | None
    recent: list


def my_duty(*, user) -> list[Duty]:
    """The signed-in member's teams: next shifts, the patrol going on, the last patrols."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    duties = []
    for member in TeamMember.objects.filter(user=user, status=TeamMember.Status.ACTIVE).select_related(
            "team", "team__unit"):
        patrols = list(member.patrols.order_by("-started_at")[:5])
        duties.append(Duty(
            member=member,
            shifts=list(member.shifts.filter(ends_at__gt=now).order_by("starts_at")[:5]),
            open_patrol=next((p for p in patrols if p.ended_at is None), None),
            recent=[p for p in patrols if p.ended_at is not None][:3],
        ))
    return duties


@dataclass(frozen=True)
class TeamFigures:
    teams: int
    members: int
    under_size: int
    over_size: int
    on_patrol: int
    patrols_30_days: int


def team_figures(*, viewer, unit_path: str = "") -> TeamFigures:
    """The register's headline numbers for the viewer's area."""
    teams = team_list(viewer=viewer, filters=TeamFilters(unit_path=unit_path))
    sizes = teams.aggregate(
        teams=Count("pk"),
        under=Count("pk", filter=Q(active_members__lt=F("expected_size"))),
        over=Count("pk", filter=Q(active_members__gt=F("expected_size"))),
    )
    members = scoping.visible(TeamMember.objects.filter(status=TeamMember.Status.ACTIVE), viewer)
    patrols = scoping.visible(PatrolLog.objects.all(), viewer)
    if unit_path:
        members = members.filter(paths.under("unit_path", unit_path))
        patrols = patrols.filter(paths.under("unit_path", unit_path))
    patrol_counts = patrols.filter(started_at__gte=timezone.now() - timedelta(days=30)).aggregate(
        total=Count("pk"), open=Count("pk", filter=Q(ended_at__isnull=True)))
    return TeamFigures(teams=sizes["teams"], members=members.count(), under_size=sizes["under"],
                       over_size=sizes["over"], on_patrol=patrol_counts["open"],
                       patrols_30_days=patrol_counts["total"])
