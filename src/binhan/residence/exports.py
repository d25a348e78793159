"""The stay-receipt book of a period as CSV or XLSX, for the police; every export is audited."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _


def book_table(stays: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
    header = [_("Number"), _("Arrival"), _("Planned departure"), _("Full name"), _("Kind of document"),
              _("ID or passport number"), _("Nationality"), _("Reason"), _("Lodging"), _("Room"),
              _("Relation to the host"), _("Declared at"), _("Late"), _("Checked out at")]

    def local(value):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""

    def rows():
        for stay in stays.iterator(chunk_size=2000):
            yield [stay.pk, local(stay.arrival_at), stay.departs_on, stay.full_name, stay.get_id_kind_display(),
                   stay.id_number, stay.nationality, stay.reason, stay.lodging.name if stay.lodging_id else "",
                   stay.room, stay.get_relation_display(), local(stay.declared_at),
                   _("yes") if stay.is_late else "", local(stay.checked_out_at)]

    return header, rows()
