"""Mediation teams and their mediators: set up, appoint, train, and read a mediator's personal data."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit, events
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.mediation.models import Gender, MediationTeam, Mediator, Training
from binhan.mediation.services._common import check_team_manager, clean_text


def _not_future(day: date | None, field: str) -> None:
    if day is not None and day > timezone.localdate():
        raise ServiceError(_("The date cannot be in the future."), field=field)


@transaction.atomic
def team_create(*, actor, unit: AdministrativeUnit, established_on: date, name: str = "",
                minority_area: bool = False, decision_number: str = "") -> MediationTeam:
    """The commune chairman sets up the mediation team of a residential group or village."""
    if unit.level != Level.GROUP:
        raise ServiceError(_("A mediation team belongs to a residential group or village."), field="unit")
    check_team_manager(actor, unit.path)
    _not_future(established_on, "established_on")
    if MediationTeam.objects.filter(unit=unit, status=MediationTeam.Status.ACTIVE).exists():
        raise ServiceError(_("%(group)s already has a mediation team.") % {"group": unit.display_name}, field="unit")
    name = clean_text(name, field="name", limit=200) or _("Mediation team of %(group)s") % {"group": unit.name}
    team = MediationTeam(unit=unit, unit_path=unit.path, commune_id=unit.parent_id, name=name,
                         minority_area=minority_area, established_on=established_on,
                         decision_number=clean_text(decision_number, field="decision_number", limit=60))
    team.full_clean(exclude=["unit", "commune"])
    team.save()
    audit.record(actor=actor, action="mediation.team.create", obj=team, changes={"name": [None, name]})
    events.publish("mediation_team.created", unit_path=team.unit_path, team_id=team.pk)
    return team


@transaction.atomic
def mediator_add(*, actor, team: MediationTeam, full_name: str, gender: str, appointed_on: date,
                 position: str = Mediator.Position.MEDIATOR, is_minority: bool = False, ethnicity: str = "",
                 date_of_birth: date | None = None, phone: str = "", address: str = "", decision_number: str = "",
                 user=None) -> Mediator:
    """The commune chairman appoints a mediator (the residents of the group elect them)."""
    check_team_manager(actor, team.unit_path)
    if team.status != MediationTeam.Status.ACTIVE:
        raise ServiceError(_("This team is dissolved."), field="team")
    if gender not in Gender.values:
        raise ServiceError(_("Choose a gender."), field="gender")
    if position not in Mediator.Position.values:
        raise ServiceError(_("Choose a position."), field="position")
    _not_future(appointed_on, "appointed_on")
    _not_future(date_of_birth, "date_of_birth")
    if position == Mediator.Position.LEADER and team.mediators.filter(
            position=Mediator.Position.LEADER, status=Mediator.Status.ACTIVE).exists():
        raise ServiceError(_("The team already has a leader."), field="position")
    mediator = Mediator(
        team=team, unit_path=team.unit_path, user=user, gender=gender, position=position, is_minority=is_minority,
        full_name=clean_text(full_name, field="full_name", limit=150, required=_("Enter the mediator's name.")),
        ethnicity=clean_text(ethnicity, field="ethnicity", limit=60), date_of_birth=date_of_birth,
        phone=clean_text(phone, field="phone", limit=20), address=clean_text(address, field="address", limit=255),
        appointed_on=appointed_on, decision_number=clean_text(decision_number, field="decision_number", limit=60))
    mediator.full_clean(exclude=["team", "user"])
    mediator.save()
    audit.record(actor=actor, action="mediation.mediator.add", obj=mediator,
                 changes={"full_name": [None, mediator.full_name], "position": [None, position]})
    events.publish("mediation_team.updated", unit_path=team.unit_path, team_id=team.pk, mediator_id=mediator.pk)
    return mediator


@transaction.atomic
def mediator_set_status(*, actor, mediator: Mediator, status: str, reason: str) -> Mediator:
    """A mediator is suspended, leaves the team, or comes back."""
    check_team_manager(actor, mediator.unit_path)
    if status not in Mediator.Status.values:
        raise ServiceError(_("Choose a status."), field="status")
    reason = clean_text(reason, field="reason", limit=500, required=_("Say why the status changes."))
    before = mediator.status
    if before != status:
        mediator.status = status
        mediator.save(update_fields=["status", "updated_at"])
        audit.record(actor=actor, action="mediation.mediator.status", obj=mediator, changes={"status": [before, status]},
                     purpose=reason)
        events.publish("mediation_team.updated", unit_path=mediator.unit_path, team_id=mediator.team_id,
                       mediator_id=mediator.pk)
    return mediator


@transaction.atomic
def training_add(*, actor, mediator: Mediator, held_on: date, course: str, organiser: str = "") -> Training:
    """Record a training course the mediator attended."""
    check_team_manager(actor, mediator.unit_path)
    _not_future(held_on, "held_on")
    training = Training(mediator=mediator, unit_path=mediator.unit_path, held_on=held_on,
                        course=clean_text(course, field="course", limit=200, required=_("Name the course.")),
                        organiser=clean_text(organiser, field="organiser", limit=200))
    training.full_clean(exclude=["mediator"])
    training.save()
    audit.record(actor=actor, action="mediation.training.add", obj=training,
                 changes={"course": [None, training.course], "held_on": [None, held_on]})
    return training


def mediator_read_personal(*, actor, mediator: Mediator, purpose: str) -> Mediator:
    """Reading a mediator's date of birth, ethnicity, phone and address is audited with the reason given."""
    check_team_manager(actor, mediator.unit_path)
    purpose = (purpose or "").strip()
    if not purpose:
        raise ServiceError(_("Please say why you need this person's details."), field="purpose")
    audit.record(actor=actor, action="mediation.mediator.read_personal", obj=mediator, purpose=purpose[:500])
    return mediator
