"""Who may act on a team or a case, and text cleaning, shared by the mediation services."""

from __future__ import annotations

from django.utils.translation import gettext as _

from binhan.core import scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.mediation.models import MediationCase, MediationTeam, Mediator
from binhan.mediation.roles import MANAGER_ROLES, SUPERVISOR_ROLES

MAX_TEXT = 4000


def can_manage_teams(actor, unit_path: str) -> bool:
    return scoping.can_see_path(actor, unit_path, roles=MANAGER_ROLES)


def check_team_manager(actor, unit_path: str) -> None:
    if not can_manage_teams(actor, unit_path):
        raise PermissionDeniedError(_("Only the police and leaders of this commune or province may change "
                                      "the mediation teams here."))


def is_supervisor(actor, unit_path: str) -> bool:
    return scoping.can_see_path(actor, unit_path, roles=SUPERVISOR_ROLES)


def own_mediator(actor, team: MediationTeam) -> Mediator | None:
    """The actor's active mediator record in `team`, if they have a staff role over its group."""
    if not getattr(actor, "is_authenticated", False) or not scoping.can_see_path(actor, team.unit_path):
        return None
    return team.mediators.filter(user=actor, status=Mediator.Status.ACTIVE).first()


def is_team_leader(actor, team: MediationTeam) -> bool:
    mediator = own_mediator(actor, team)
    return mediator is not None and mediator.position == Mediator.Position.LEADER


def is_assigned(actor, case: MediationCase) -> bool:
    mediator = own_mediator(actor, case.team)
    return mediator is not None and case.assignments.filter(mediator=mediator).exists()


def can_lead_case(actor, case: MediationCase) -> bool:
    """Intake and assignment: the team leader or the supervising commune roles."""
    return is_supervisor(actor, case.unit_path) or is_team_leader(actor, case.team)


def can_work_case(actor, case: MediationCase) -> bool:
    """Sessions and outcome: the assigned mediators, the team leader, the supervisors."""
    return can_lead_case(actor, case) or is_assigned(actor, case)


def can_open_case(actor, team: MediationTeam) -> bool:
    """Staff intake: any active mediator of the team, or the supervisors."""
    return is_supervisor(actor, team.unit_path) or own_mediator(actor, team) is not None


def check(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDeniedError(message)


def clean_text(value: str | None, *, field: str, limit: int = MAX_TEXT, required: str = "") -> str:
    """Trimmed text without NUL bytes; `required` is the message when it must not be empty."""
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError(required, field=field)
    if len(value) > limit:
        raise ServiceError(_("Please keep it under %(limit)s characters.") % {"limit": limit}, field=field)
    return value
