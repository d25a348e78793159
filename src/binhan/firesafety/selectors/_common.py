"""Query pieces the fire-safety selectors share."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Q

from binhan.firesafety.models import Condition, Equipment


def in_date(on: date) -> Q:
    """An item that counts: not removed, not broken, and not past its due date."""
    return (Q(retired_on__isnull=True, next_due_on__isnull=False, next_due_on__gte=on)
            & ~Q(condition=Condition.BROKEN))


def has_in_date(requirement: str, on: date, household_ref: str = "household_id") -> Exists:
    return Exists(Equipment.objects.filter(in_date(on), household_id=OuterRef(household_ref),
                                           type__requirement=requirement))
