"""Lodgings: registered by the commune police, with the user who manages them."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from binhan.core import audit, events, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.core.services import apply_changes
from binhan.geo.models import AdministrativeUnit, Level
from binhan.residence.models import Lodging
from binhan.residence.roles import LODGING_ROLES


def _check(actor, unit_path: str) -> None:
    if not scoping.can_see_path(actor, unit_path, roles=LODGING_ROLES):
        raise PermissionDeniedError(_("Only the commune police register lodgings in their commune."))


@transaction.atomic
def lodging_register(*, actor, unit: AdministrativeUnit, kind: str, name: str, address: str, rooms: int = 0,
                     manager=None) -> Lodging:
    """The commune police register a boarding house, hotel, hostel or hospital and name its manager."""
    if unit.level != Level.GROUP:
        raise ServiceError(_("A lodging lies in a residential group or village."), field="unit")
    _check(actor, unit.path)
    lodging = Lodging(unit=unit, unit_path=unit.path, kind=kind, name=(name or "").strip(),
                      address=(address or "").strip(), rooms=rooms or 0, manager=manager)
    lodging.full_clean()
    lodging.save()
    audit.record(actor=actor, action="residence.lodging.register", obj=lodging,
                 changes={"name": [None, lodging.name], "kind": [None, kind],
                          "manager": [None, manager.pk if manager else None]})
    events.publish("residence.lodging.registered", unit_path=lodging.unit_path, lodging_id=lodging.pk)
    return lodging


@transaction.atomic
def lodging_update(*, actor, lodging: Lodging, **fields) -> Lodging:
    """Change a lodging's name, address, rooms, manager, or close it (inactive)."""
    _check(actor, lodging.unit_path)
    lodging = Lodging.objects.select_for_update().get(pk=lodging.pk)
    changes = apply_changes(actor=actor, obj=lodging, fields=fields, action="residence.lodging.update",
                            allowed={"name", "address", "rooms", "manager", "kind", "is_active"})
    if changes:
        events.publish("residence.lodging.updated", unit_path=lodging.unit_path, lodging_id=lodging.pk)
    return lodging
