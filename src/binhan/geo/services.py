"""Writes to places: each validates, saves, audits and emits an event in one transaction."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from binhan.accounts.roles import HOUSEHOLD_KEEPER_ROLES, STAFF_ROLES
from binhan.core import audit, events, paths, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.services import apply_changes
from binhan.geo.models import LEVEL_ORDER, AdministrativeUnit, Household, Level, child_level

HOUSEHOLD_FIELDS = ("unit_id", "code", "address", "member_count", "head_name", "head_phone")


def _check_can_edit(actor, unit_path: str, roles=STAFF_ROLES) -> None:
    if actor is not None and not scoping.can_see_path(actor, unit_path, roles=roles):
        raise PermissionDeniedError(_("You may only change places under your own units."))


def can_keep_households(*, actor, unit_path: str) -> bool:
    return scoping.can_see_path(actor, unit_path, roles=HOUSEHOLD_KEEPER_ROLES)


def _check_household_keeper(actor, unit_path: str) -> None:
    if actor is not None and not can_keep_households(actor=actor, unit_path=unit_path):
        raise PermissionDeniedError(
            _("Only the group leader, the police, commune or province leaders and administrators may change "
              "households or read their details.")
        )


@transaction.atomic
def unit_create(
    *, actor, code: str, name: str, level: str, parent: AdministrativeUnit | None,
    kind: str = "", names: dict | None = None, centre_lat: float | None = None, centre_lon: float | None = None,
) -> AdministrativeUnit:
    """Add a place to the tree under `parent` (a nation has none)."""
    if parent is None and level != Level.NATION:
        raise ServiceError(_("Only a nation can stand at the top of the tree."), field="parent")
    if parent is not None:
        _check_can_edit(actor, parent.path)
        if child_level(parent.level) != level:
            raise ServiceError(
                _("A unit at the level “%(child)s” cannot be placed under one at the level “%(parent)s”.")
                % {"child": Level(level).label, "parent": Level(parent.level).label},
                field="level",
            )
    unit = AdministrativeUnit(
        code=code, name=name, level=level, parent=parent, kind=kind, names=names or {},
        centre_lat=centre_lat, centre_lon=centre_lon,
        path=paths.child_path(parent.path if parent else "", code),
        depth=LEVEL_ORDER.index(Level(level)),
    )
    unit.full_clean()
    unit.save()
    audit.record(actor=actor, action="unit.create", obj=unit, changes={"name": [None, name], "code": [None, code]})
    events.publish("unit.created", unit_path=unit.path, unit_id=unit.pk)
    return unit


@transaction.atomic
def unit_update(*, actor, unit: AdministrativeUnit, **fields) -> AdministrativeUnit:
    """Rename a place or move its centre; its code and position in the tree stay."""
    _check_can_edit(actor, unit.path)
    allowed = {"name", "names", "kind", "centre_lat", "centre_lon", "boundary"}
    if apply_changes(actor=actor, obj=unit, fields=fields, allowed=allowed, action="unit.update"):
        events.publish("unit.updated", unit_path=unit.path, unit_id=unit.pk)
    return unit


@transaction.atomic
def household_create(
    *, actor, unit: AdministrativeUnit, address: str, member_count: int = 1,
    head_name: str = "", head_phone: str = "", code: str = "",
) -> Household:
    """Add a household to a residential group."""
    if unit.level != Level.GROUP:
        raise ServiceError(_("A household belongs to a residential group or village."), field="unit")
    _check_household_keeper(actor, unit.path)
    household = Household(
        unit=unit, unit_path=unit.path, code=code, address=address.strip(), member_count=member_count,
        head_name=head_name.strip(), head_phone=head_phone.strip(),
    )
    household.full_clean()
    household.save()
    audit.record(
        actor=actor, action="household.create", obj=household,
        changes={key: [None, value] for key, value in audit.snapshot(household, HOUSEHOLD_FIELDS).items() if value},
    )
    events.publish("household.created", unit_path=household.unit_path, household_id=household.pk)
    return household


@transaction.atomic
def household_update(*, actor, household: Household, **fields) -> Household:
    """Correct a household's address, size or head of household."""
    _check_household_keeper(actor, household.unit_path)
    allowed = {"address", "member_count", "head_name", "head_phone", "code"}
    if apply_changes(actor=actor, obj=household, fields=fields, allowed=allowed, action="household.update"):
        events.publish("household.updated", unit_path=household.unit_path, household_id=household.pk)
    return household


def household_read_personal(*, actor, household: Household, purpose: str) -> Household:
    """Reading the head of household's name and phone is audited with the reason given."""
    _check_household_keeper(actor, household.unit_path)
    if not purpose.strip():
        raise ServiceError(_("Please say why you need this person's details."), field="purpose")
    audit.record(actor=actor, action="household.read_personal", obj=household, purpose=purpose.strip())
    return household
