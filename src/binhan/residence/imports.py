"""Bulk import of a lodging's guests from a CSV or XLSX file: every row checked, all or nothing.

The first row names the columns (in any order): full_name, id_kind, id_number, nationality, reason,
arrival (YYYY-MM-DD HH:MM, local time), departure (YYYY-MM-DD), room, relation. Vietnamese
headers are accepted too (ho_ten, loai_giay_to, so_giay_to, quoc_tich, ly_do, den, di, phong, quan_he).
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError
from binhan.residence import rules

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 1000
COLUMNS = ("full_name", "id_kind", "id_number", "nationality", "reason", "arrival", "departure", "room", "relation")
ALIASES = {"ho_ten": "full_name", "loai_giay_to": "id_kind", "so_giay_to": "id_number", "quoc_tich": "nationality",
           "ly_do": "reason", "den": "arrival", "di": "departure", "phong": "room", "quan_he": "relation"}
REQUIRED = ("full_name", "id_kind", "id_number", "reason", "arrival", "departure")


class ImportFileError(ServiceError):
    """The file as a whole cannot be read."""


def read_rows(upload) -> list[dict]:
    """The file's rows as dicts keyed by column name, with their line numbers under "_line"."""
    if upload.size > MAX_BYTES:
        raise ImportFileError(_("The file is too large (at most 2 MB)."), field="file")
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".xlsx"):
        table = _xlsx(data)
    elif name.endswith(".csv"):
        table = _csv(data)
    else:
        raise ImportFileError(_("Upload a CSV or XLSX file."), field="file")
    if not table:
        raise ImportFileError(_("The file is empty."), field="file")
    header = [ALIASES.get(_key(cell), _key(cell)) for cell in table[0]]
    missing = [column for column in REQUIRED if column not in header]
    if missing:
        raise ImportFileError(_("The first row must name the columns; missing: %(columns)s")
                              % {"columns": ", ".join(missing)}, field="file")
    rows = []
    for line, cells in enumerate(table[1:], start=2):
        if not any(str(cell or "").strip() for cell in cells):
            continue
        row = {column: cells[i] if i < len(cells) else "" for i, column in enumerate(header) if column in COLUMNS}
        row["_line"] = line
        rows.append(row)
    if not rows:
        raise ImportFileError(_("The file has no guests."), field="file")
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("At most %(count)s guests per file.") % {"count": MAX_ROWS}, field="file")
    return rows


def _key(cell) -> str:
    return str(cell or "").strip().lower().replace(" ", "_")


def _csv(data: bytes) -> list[list]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("Save the CSV file as UTF-8."), field="file") from None
    dialect = csv.excel
    try:
        dialect = csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:
        pass
    return list(csv.reader(io.StringIO(text), dialect))


def _xlsx(data: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable workbook is the same refusal
        raise ImportFileError(_("This is not a readable XLSX file."), field="file") from None
    sheet = workbook.worksheets[0]
    table = [list(row) for _i, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)]
    workbook.close()
    return table


def to_guest(row: dict) -> dict:
    """A file row as the declaration service takes it; dates it cannot read are left for it to refuse."""
    return {
        "full_name": row.get("full_name"), "id_kind": _kind(row.get("id_kind")),
        "id_number": str(row.get("id_number") or ""), "nationality": row.get("nationality") or rules.HOME_COUNTRY,
        "reason": row.get("reason"), "arrival_at": _arrival(row.get("arrival")),
        "departs_on": _day(row.get("departure")), "room": str(row.get("room") or ""),
        "relation": str(row.get("relation") or "customer").strip().lower(),
    }


def _kind(value) -> str:
    value = str(value or "").strip().lower()
    return {"cccd": "citizen_id", "citizen id": "citizen_id", "ho chieu": "passport", "hộ chiếu": "passport"}.get(
        value, value)


def _arrival(value):
    if isinstance(value, datetime):
        return timezone.make_aware(value, rules.local_zone()) if timezone.is_naive(value) else value
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"):
        try:
            return datetime.strptime(str(value or "").strip(), pattern).replace(tzinfo=rules.local_zone())
        except ValueError:
            continue
    return None


def _day(value):
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(str(value or "").strip(), pattern).replace(tzinfo=rules.local_zone()).date()
        except ValueError:
            continue
    return None
