"""CSV and XLSX exports of the equipment register (overdue, due soon, all), in the viewer's scope.

Households appear by address only (no head of household, no phone). The writers are the community
register's (streamed CSV with a byte-order mark, write-only XLSX, text cells safe from formulas).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.community.exports import XLSX_TYPE, csv_bytes, xlsx_file
from binhan.core import audit

__all__ = ["XLSX_TYPE", "csv_bytes", "equipment_table", "filename", "record_export", "xlsx_file"]


def equipment_table(items: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
    header = [_("Number"), _("Type"), _("Quantity"), _("Capacity (kg)"), _("Kept by"), _("Unit code"),
              _("Bought on"), _("Last inspection or refill"), _("Next due"), _("Days overdue"), _("Condition"),
              _("Serial or code")]
    today = timezone.localdate()

    def rows():
        for item in items.select_related("household__unit", "point__unit", "team__unit").iterator(chunk_size=2000):
            owner = item.household or item.point or item.team
            label = item.household.address if item.household_id else owner.name
            late = (today - item.next_due_on).days if item.next_due_on and item.next_due_on < today else ""
            yield [item.pk, item.type.display_name, item.quantity, item.capacity_kg, label, owner.unit.code,
                   item.bought_on, item.last_checked_on, item.next_due_on, late, item.get_condition_display(),
                   item.serial]

    return header, rows()


def record_export(*, viewer, file_format: str, filters: dict) -> None:
    audit.record(actor=viewer, action="firesafety.equipment.export", object_type="firesafety.equipment",
                 changes={"format": file_format, "filters": {k: v for k, v in filters.items() if v}})


def filename(file_format: str) -> str:
    return f"fire-safety-equipment-{timezone.localdate():%Y%m%d}.{file_format}"
