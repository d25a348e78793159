"""Commendations of collectives (a unit, a team, a model, a household) and of individuals."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.community.models import (
    Commendation,
    CommendationLevel,
    SecurityTeam,
    SelfManagementModel,
    TeamMember,
)
from binhan.community.services._common import check_manager, clean_text
from binhan.core import audit, events
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Household

Subject = Commendation.Subject


@transaction.atomic
def commendation_create(
    *, actor, subject: str, level: str, decision_number: str, decision_date: date, deed: str,
    unit: AdministrativeUnit | None = None, team: SecurityTeam | None = None, model: SelfManagementModel | None = None,
    household: Household | None = None, member: TeamMember | None = None, person_name: str = "",
    person_unit: AdministrativeUnit | None = None,
) -> Commendation:
    """Record a decision commending someone for a deed; their page then lists it."""
    if subject not in Subject.values:
        raise ServiceError(_("Choose who is commended."), field="subject")
    if level not in CommendationLevel.values:
        raise ServiceError(_("Choose the commune, province or ministry level."), field="level")
    target = {Subject.UNIT: unit, Subject.TEAM: team, Subject.MODEL: model, Subject.HOUSEHOLD: household,
              Subject.MEMBER: member, Subject.PERSON: person_unit}[subject]
    if target is None:
        raise ServiceError(_("Choose the unit, team, model, household or person commended."), field=subject)
    where = target if isinstance(target, AdministrativeUnit) else (
        target.unit if hasattr(target, "unit") else target.team.unit)
    path = where.path
    check_manager(actor, path)
    person_name = clean_text(person_name, field="person_name", limit=150)
    if subject == Subject.PERSON and not person_name:
        raise ServiceError(_("Give the person's name."), field="person_name")
    number = clean_text(decision_number, field="decision_number", limit=60,
                        required=_("Give the number of the decision."))
    if decision_date > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field="decision_date")
    commendation = Commendation(
        subject=subject, unit=where, unit_path=path, level=level, decision_number=number,
        decision_date=decision_date, deed=clean_text(deed, field="deed", limit=500,
                                                    required=_("Say what the commendation is for.")),
        team=team if subject == Subject.TEAM else None, model=model if subject == Subject.MODEL else None,
        household=household if subject == Subject.HOUSEHOLD else None,
        member=member if subject == Subject.MEMBER else None,
        person_name=person_name if subject == Subject.PERSON else "", created_by=actor,
    )
    commendation.save()
    audit.record(actor=actor, action="community.commendation.create", obj=commendation,
                 changes={"subject": [None, subject], "level": [None, level], "decision_number": [None, number]})
    events.publish("community.commendation.created", unit_path=path, commendation_id=commendation.pk)
    return commendation
