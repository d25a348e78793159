"""Inspections of households and public points against the checklist, and their findings.

A failed item becomes a finding: a task for the household (or the team leader, for the shared
alarm and a point's sign and shelter) with a follow-up date, closed when fixed.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit
from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.firesafety import rules
from binhan.firesafety.models import Finding, FirePoint, Inspection, TeamHousehold
from binhan.firesafety.services._common import can_keep, check_keeper, check_past, clean_text, publish
from binhan.geo.models import Household

MAX_PHOTO_BYTES = 5 * 1024 * 1024


def _check_results(results: dict) -> dict[str, bool]:
    if not isinstance(results, dict) or not results:
        raise ServiceError(_("Tick at least one item of the checklist."), field="items")
    unknown = [code for code in results if code not in rules.CHECKLIST]
    if unknown:
        raise ServiceError(_("Unknown checklist item: %(item)s") % {"item": str(unknown[0])[:40]}, field="items")
    if not all(isinstance(v, bool) for v in results.values()):
        raise ServiceError(_("Each checklist item is passed or failed."), field="items")
    return dict(results)


def check_photo(photo) -> None:
    if photo is None:
        return
    name = (getattr(photo, "name", "") or "").lower()
    if not name.endswith((".jpg", ".jpeg", ".png", ".webp")) or getattr(photo, "size", 0) > MAX_PHOTO_BYTES:
        raise ServiceError(_("The photo must be a JPEG, PNG or WebP image of at most 5 MB."), field="photo")


@transaction.atomic
def inspection_record(
    *, actor, results: dict[str, bool], household: Household | None = None, point: FirePoint | None = None,
    inspected_on: date | None = None, notes: dict[str, str] | None = None, note: str = "",
    follow_up_on: date | None = None, photo=None,
) -> Inspection:
    """A team leader (or the police) checks a household or a point; each failed item opens a finding."""
    if (household is None) == (point is None):
        raise ServiceError(_("An inspection is of one household or one public point."), field="household")
    target = household or point
    check_keeper(actor, target.unit_path)
    results = _check_results(results)
    inspected_on = inspected_on or timezone.localdate()
    check_past(inspected_on, field="inspected_on")
    follow_up_on = follow_up_on or inspected_on + timedelta(days=rules.FOLLOW_UP_DAYS)
    if follow_up_on < inspected_on:
        raise ServiceError(_("The follow-up date cannot be before the inspection."), field="follow_up_on")
    notes = {code: clean_text(text, field="items", limit=500) for code, text in (notes or {}).items()
             if code in results}
    check_photo(photo)
    if household is not None:
        team_id = (TeamHousehold.objects.filter(household=household, left_on__isnull=True)
                   .values_list("team_id", flat=True).first())
    else:
        team_id = point.team_id
    inspection = Inspection(household=household, point=point, team_id=team_id, unit_path=target.unit_path,
                            inspected_on=inspected_on, inspector=actor if actor.is_authenticated else None,
                            items=results, passed=all(results.values()),
                            note=clean_text(note, field="note", limit=2000))
    if photo is not None:
        inspection.photo = photo
    inspection.save()
    failed = [code for code, ok in results.items() if not ok]
    Finding.objects.bulk_create(
        Finding(inspection=inspection, team_id=team_id, unit_path=inspection.unit_path, item=code,
                note=notes.get(code, ""), follow_up_on=follow_up_on,
                assignee=Finding.Assignee.LEADER if code in rules.LEADER_ITEMS or point else Finding.Assignee.HOUSEHOLD)
        for code in failed)
    audit.record(actor=actor, action="firesafety.inspection.record", obj=inspection,
                 changes={"items": [None, results], "failed": [None, failed]})
    publish("inspection.recorded", unit_path=inspection.unit_path, inspection_id=inspection.pk, team_id=team_id,
            household_id=inspection.household_id, point_id=inspection.point_id, failed=len(failed))
    return inspection


@transaction.atomic
def finding_close(*, actor, finding: Finding, on: date | None = None) -> Finding:
    """The fault is fixed: the task is closed (by a keeper, or by the household it was given to)."""
    finding = Finding.objects.select_for_update().select_related("inspection").get(pk=finding.pk)
    own = (finding.inspection.household_id is not None
           and getattr(actor, "household_id", None) == finding.inspection.household_id)
    if not own and not can_keep(actor, finding.unit_path):
        raise PermissionDeniedError(_("Only the household concerned or a keeper of the unit may close this finding."))
    if finding.status == Finding.Status.CLOSED:
        raise ServiceError(_("This finding is already closed."), field="status")
    on = on or timezone.localdate()
    check_past(on, field="closed_on")
    finding.status = Finding.Status.CLOSED
    finding.closed_on = max(on, finding.inspection.inspected_on)
    finding.closed_by = actor
    finding.save(update_fields=["status", "closed_on", "closed_by"])
    audit.record(actor=actor, action="firesafety.finding.close", obj=finding,
                 changes={"status": [Finding.Status.OPEN, Finding.Status.CLOSED]})
    publish("finding.closed", unit_path=finding.unit_path, finding_id=finding.pk, team_id=finding.team_id,
            inspection_id=finding.inspection_id)
    return finding
