"""Equipment of households, teams and public points, and its due dates.

`equipment_add` is the door other apps use (the weapons-for-extinguishers exchange credits the
extinguisher a household received through it). Every change publishes
`firesafety.equipment.changed` with the ids and the unit path, for the statistics.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.firesafety import rules
from binhan.firesafety.models import Condition, Equipment, EquipmentType, FirePoint, FireTeam
from binhan.firesafety.services._common import can_keep, check_past, clean_text, publish
from binhan.geo.models import Household

EDITABLE = ("quantity", "capacity_kg", "bought_on", "last_checked_on", "condition", "serial")


def _owner_path(household, team, point) -> str:
    owners = [o for o in (household, team, point) if o is not None]
    if len(owners) != 1:
        raise ServiceError(_("Equipment belongs to one household, one team or one public point."), field="owner")
    return owners[0].unit_path


def check_can_edit(actor, *, unit_path: str, household_id: int | None) -> None:
    """Keepers of the unit, or a resident for their own household's equipment."""
    if can_keep(actor, unit_path):
        return
    if household_id is not None and getattr(actor, "household_id", None) == household_id:
        return
    raise PermissionDeniedError(_("You may only change the equipment of your own household or of units you keep."))


def _type(code: str) -> EquipmentType:
    found = EquipmentType.objects.filter(code=(code or "").strip(), is_active=True).first()
    if found is None:
        raise ServiceError(_("Choose a known equipment type."), field="type_code")
    return found


def _capacity(value, kind: EquipmentType) -> Decimal | None:
    if value in (None, "") or not kind.has_capacity:
        return None
    try:
        capacity = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        raise ServiceError(_("Give the capacity in kg, e.g. 4 or 8."), field="capacity_kg") from None
    if not Decimal(0) < capacity <= Decimal(500):
        raise ServiceError(_("Give the capacity in kg, e.g. 4 or 8."), field="capacity_kg")
    return capacity


def _quantity(value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 500:
        raise ServiceError(_("The quantity must be between 1 and 500."), field="quantity")
    return value


def _publish(item: Equipment, action: str) -> None:
    publish("equipment.changed", unit_path=item.unit_path, equipment_id=item.pk, action=action,
            household_id=item.household_id, team_id=item.team_id, point_id=item.point_id)


@transaction.atomic
def equipment_add(
    *, actor, type_code: str, household: Household | None = None, team: FireTeam | None = None,
    point: FirePoint | None = None, quantity: int = 1, capacity_kg=None, bought_on: date | None = None,
    last_checked_on: date | None = None, condition: str = Condition.GOOD, serial: str = "", source: str = "",
) -> Equipment:
    """A household, team or public point records equipment it keeps (typed or scanned on a phone, or
    credited by another programme, `source` saying which). The next due date follows the type's rule."""
    unit_path = _owner_path(household, team, point)
    check_can_edit(actor, unit_path=unit_path, household_id=household.pk if household else None)
    kind = _type(type_code)
    check_past(bought_on, field="bought_on")
    check_past(last_checked_on, field="last_checked_on")
    if condition not in Condition.values:
        raise ServiceError(_("Choose a condition."), field="condition")
    item = Equipment(
        type=kind, household=household, team=team, point=point, unit_path=unit_path, quantity=_quantity(quantity),
        capacity_kg=_capacity(capacity_kg, kind), bought_on=bought_on, last_checked_on=last_checked_on,
        next_due_on=rules.next_due(interval_months=kind.interval_months, last_checked_on=last_checked_on,
                                   bought_on=bought_on),
        condition=condition, serial=clean_text(serial, field="serial", limit=60),
        source=clean_text(source, field="source", limit=40))
    item.full_clean(exclude=["household", "team", "point", "type"])
    item.save()
    audit.record(actor=actor, action="firesafety.equipment.add", obj=item, changes={
        "type": [None, kind.code], "quantity": [None, item.quantity], "next_due_on": [None, item.next_due_on],
        "source": [None, item.source]})
    _publish(item, "added")
    return item


@transaction.atomic
def equipment_update(*, actor, equipment: Equipment, **fields) -> Equipment:
    """Correct an item: quantity, capacity, dates, condition, serial. The due date is computed again."""
    item = Equipment.objects.select_for_update().select_related("type").get(pk=equipment.pk)
    check_can_edit(actor, unit_path=item.unit_path, household_id=item.household_id)
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ServiceError(_("These fields cannot be changed here: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
                           field=sorted(unknown)[0])
    if "quantity" in fields:
        fields["quantity"] = _quantity(fields["quantity"])
    if "capacity_kg" in fields:
        fields["capacity_kg"] = _capacity(fields["capacity_kg"], item.type)
    if "condition" in fields and fields["condition"] not in Condition.values:
        raise ServiceError(_("Choose a condition."), field="condition")
    for name in ("bought_on", "last_checked_on"):
        if name in fields:
            check_past(fields[name], field=name)
    if "serial" in fields:
        fields["serial"] = clean_text(fields["serial"], field="serial", limit=60)
    before = audit.snapshot(item, [*EDITABLE, "next_due_on"])
    for name, value in fields.items():
        setattr(item, name, value)
    item.next_due_on = rules.next_due(interval_months=item.type.interval_months,
                                      last_checked_on=item.last_checked_on, bought_on=item.bought_on)
    item.full_clean(exclude=["household", "team", "point", "type"])
    changes = audit.diff(before, audit.snapshot(item, [*EDITABLE, "next_due_on"]))
    if changes:
        item.save()
        audit.record(actor=actor, action="firesafety.equipment.update", obj=item, changes=changes)
        _publish(item, "updated")
    return item


@transaction.atomic
def equipment_check(*, actor, equipment: Equipment, on: date | None = None,
                    condition: str = Condition.GOOD) -> Equipment:
    """The item was inspected or refilled on `on` (today by default): its next due date moves on."""
    return equipment_update(actor=actor, equipment=equipment, last_checked_on=on or timezone.localdate(),
                            condition=condition)


@transaction.atomic
def equipment_retire(*, actor, equipment: Equipment, on: date | None = None) -> Equipment:
    """The item is gone (used, thrown away, given back); it leaves the lists but stays in the history."""
    item = Equipment.objects.select_for_update().get(pk=equipment.pk)
    check_can_edit(actor, unit_path=item.unit_path, household_id=item.household_id)
    if item.retired_on is not None:
        raise ServiceError(_("This item has already been removed."), field="retired_on")
    on = on or timezone.localdate()
    check_past(on, field="retired_on")
    item.retired_on = on
    item.save(update_fields=["retired_on", "updated_at"])
    audit.record(actor=actor, action="firesafety.equipment.retire", obj=item, changes={"retired_on": [None, on]})
    _publish(item, "retired")
    return item
