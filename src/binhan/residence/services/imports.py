"""A lodging's guests from a file: every line checked, nothing stored unless all lines are right."""

from __future__ import annotations

from datetime import datetime

from django.utils.translation import gettext as _

from binhan.core.exceptions import PermissionDeniedError, ServiceError
from binhan.residence import imports
from binhan.residence.models import Channel, Declaration, Lodging
from binhan.residence.services.stays import GuestErrors, can_declare_for_lodging, stays_declare


class LineErrors(ServiceError):
    """`errors` lists (line of the file, field, message)."""

    def __init__(self, errors: list[tuple[int, str, str]]):
        super().__init__(_("Nothing was imported: %(count)s lines have errors.") % {"count": len(errors)},
                         field="file")
        self.errors = errors


def stays_import(*, actor, lodging: Lodging, upload, now: datetime | None = None) -> Declaration:
    """Declare every guest of a CSV/XLSX file at once (one declaration), or none of them."""
    if not can_declare_for_lodging(actor, lodging):
        raise PermissionDeniedError(_("Only the lodging's manager or the commune police declare its guests."))
    rows = imports.read_rows(upload)
    try:
        return stays_declare(actor=actor, lodging=lodging, guests=[imports.to_guest(row) for row in rows],
                             channel=Channel.IMPORT, now=now)
    except GuestErrors as error:
        raise LineErrors([(rows[index]["_line"], field, message) for index, field, message in error.errors]) from None
