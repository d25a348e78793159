"""Reads of mediation teams and mediators (names and positions; personal data only through the service)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from binhan.core import paths, scoping
from binhan.geo.models import AdministrativeUnit
from binhan.mediation import rules
from binhan.mediation.models import Gender, MediationTeam, Mediator

_ACTIVE = Q(mediators__status=Mediator.Status.ACTIVE)


def team_list(*, viewer, unit: AdministrativeUnit | None = None, query: str = "",
              active_only: bool = True) -> QuerySet[MediationTeam]:
    """Teams under the viewer's units, with the counts the composition rules need."""
    teams = scoping.visible(MediationTeam.objects.all(), viewer)
    if unit is not None:
        teams = teams.filter(paths.under("unit_path", unit.path))
    if query:
        teams = teams.filter(Q(name__icontains=query) | Q(unit__name__icontains=query) | Q(unit__code=query))
    if active_only:
        teams = teams.filter(status=MediationTeam.Status.ACTIVE)
    return (teams.select_related("unit", "commune")
            .annotate(active_count=Count("mediators", filter=_ACTIVE),
                      leader_count=Count("mediators", filter=_ACTIVE & Q(mediators__position=Mediator.Position.LEADER)),
                      women_count=Count("mediators", filter=_ACTIVE & Q(mediators__gender=Gender.FEMALE)),
                      minority_count=Count("mediators", filter=_ACTIVE & Q(mediators__is_minority=True)))
            .order_by("unit_path", "id"))


def team_warnings(team: MediationTeam) -> list[str]:
    """Composition warnings of a team from `team_list` (annotated)."""
    return rules.warnings_from_counts(minority_area=team.minority_area, active=team.active_count,
                                      leaders=team.leader_count, women=team.women_count,
                                      minorities=team.minority_count)


def team_get(*, viewer, pk: int) -> MediationTeam:
    return scoping.get_visible_or_404(MediationTeam.objects.select_related("unit", "commune"), viewer, pk=pk)


def team_mediators(*, team: MediationTeam) -> list[Mediator]:
    return list(team.mediators.select_related("user").order_by("status", "position", "full_name", "id"))


def team_for_group(*, unit: AdministrativeUnit) -> MediationTeam | None:
    """The active team of a residential group (the resident's request page names it)."""
    return MediationTeam.objects.filter(unit=unit, status=MediationTeam.Status.ACTIVE).first()


def mediator_get(*, viewer, pk: int) -> Mediator:
    return scoping.get_visible_or_404(Mediator.objects.select_related("team", "team__unit"), viewer, pk=pk)
