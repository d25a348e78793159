"""Writes of the statistics: manual monthly figures, submitted by a unit and approved by the level above.

Each service validates, saves, audits and publishes in one transaction; the published event makes the
follower recompute the entry (only approved entries count).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from binhan.core import audit, events, paths, scoping
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.stats import registry
from binhan.stats.models import ManualEntry
from binhan.stats.periods import today
from binhan.stats.roles import ENTRY_ROLES

MAX_VALUE = 1_000_000


def _publish(entry: ManualEntry, name: str) -> None:
    events.publish(f"stats.manual.{name}", unit_path=entry.unit_path, entry_id=entry.pk)


@transaction.atomic
def manual_submit(*, actor, unit: AdministrativeUnit, indicator: str, month: dt.date, value: int,
                  note: str = "") -> ManualEntry:
    """A commune or province enters one month's figure; it counts once the level above approves it."""
    item = registry.indicator(indicator)
    if item is None or not item.manual:
        raise ServiceError(_("Choose one of the figures entered by hand."), field="indicator")
    if unit.level not in (Level.COMMUNE, Level.PROVINCE):
        raise ServiceError(_("Figures are entered by a commune or a province."), field="unit")
    if not scoping.can_see_path(actor, unit.path, roles=ENTRY_ROLES):
        raise PermissionDeniedError(_("You may only enter figures for your own units."))
    month = month.replace(day=1)
    if month > today().replace(day=1):
        raise ServiceError(_("A month that has not started yet cannot have figures."), field="month")
    if not isinstance(value, int) or value < 0 or value > MAX_VALUE:
        raise ServiceError(_("Enter a whole number between 0 and 1,000,000."), field="value")
    note = (note or "").strip()[:500]
    entry = ManualEntry.objects.select_for_update().filter(unit=unit, indicator=indicator, month=month).first()
    before = audit.snapshot(entry, ["value", "status", "note"]) if entry else {}
    if entry is None:
        entry = ManualEntry(unit=unit, unit_path=unit.path, indicator=indicator, month=month)
    entry.value, entry.note, entry.status = value, note, ManualEntry.Status.SUBMITTED
    entry.entered_by, entry.reviewed_by, entry.review_note = actor, None, ""
    entry.full_clean(exclude=["unit", "entered_by", "reviewed_by"])
    entry.save()
    audit.record(actor=actor, action="stats.manual.submit", obj=entry,
                 changes=audit.diff(before, audit.snapshot(entry, ["value", "status", "note"])) or
                 {"value": [None, value]})
    _publish(entry, "submitted")
    return entry


def can_review(actor, entry: ManualEntry) -> bool:
    """Staff of a unit strictly above the entry's unit, and not the person who entered it."""
    parent = paths.ancestors(entry.unit_path)[-2] if len(paths.codes(entry.unit_path)) > 1 else None
    return bool(parent) and scoping.can_see_path(actor, parent, roles=ENTRY_ROLES) and actor.pk != entry.entered_by_id


@transaction.atomic
def manual_review(*, actor, entry: ManualEntry, approve: bool, note: str = "") -> ManualEntry:
    """The level above approves the figure (it then counts) or returns it for correction with a note."""
    entry = ManualEntry.objects.select_for_update().get(pk=entry.pk)
    if not can_review(actor, entry):
        raise PermissionDeniedError(_("A figure is approved by the level above, by someone other than who entered it."))
    if entry.status != ManualEntry.Status.SUBMITTED:
        raise ServiceError(_("Only a figure waiting for approval can be reviewed."), field="status")
    note = (note or "").strip()[:500]
    if not approve and not note:
        raise ServiceError(_("Say what should be corrected."), field="note")
    before = entry.status
    entry.status = ManualEntry.Status.APPROVED if approve else ManualEntry.Status.RETURNED
    entry.reviewed_by, entry.review_note = actor, note
    entry.save(update_fields=["status", "reviewed_by", "review_note", "updated_at"])
    audit.record(actor=actor, action="stats.manual.approve" if approve else "stats.manual.return", obj=entry,
                 changes={"status": [before, entry.status]})
    _publish(entry, "approved" if approve else "returned")
    return entry
