"""Retention of stays: deleted after BINHAN_STAY_RETENTION_MONTHS (default 12), audited per commune.

The monthly counts (StayCount) are kept, so statistics survive.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from binhan.core import audit, paths
from binhan.core import tasks as core_tasks
from binhan.core.tasks import background
from binhan.residence.models import Declaration, Stay

BATCH = 5000
COMMUNE_DEPTH = 3


def retention_months() -> int:
    return getattr(settings, "BINHAN_STAY_RETENTION_MONTHS", 12)


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # The same day of that month, or its last day.
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError  # pragma: no cover


def delete_expired_stays(*, today: date | None = None) -> int:
    """Delete the stays that ended more than the retention period ago; one audit event per commune and batch."""
    today = today or timezone.localdate()
    cutoff = months_before(today, retention_months())
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(Stay.objects.filter(departs_on__lt=cutoff).order_by("id").values_list("id", "unit_path")[:BATCH])
            if not batch:
                break
            per_commune = Counter(paths.truncate(path, COMMUNE_DEPTH) for _id, path in batch)
            Stay.objects.filter(id__in=[pk for pk, _path in batch]).delete()
            for commune_path, number in sorted(per_commune.items()):
                audit.record(actor=None, action="residence.stay.retention", object_type="residence.stay",
                             unit_path=commune_path,
                             changes={"deleted": number, "ended_before": cutoff.isoformat()})
            deleted += len(batch)
    with transaction.atomic():
        Declaration.objects.filter(stays__isnull=True).delete()
    return deleted


@background(retries=3)
def stay_retention() -> int:
    """Idempotent: a second run finds nothing left to delete."""
    return delete_expired_stays()


core_tasks.run_every(24 * 3600, stay_retention)
