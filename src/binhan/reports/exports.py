"""Exports of the police queue as CSV and XLSX: the queue's filters, the viewer's scope, any size.

Rows are read with a database iterator and written out as they come, so memory stays
bounded whatever the number of reports. The reporter's identity is never exported.
"""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import IO, Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from binhan.core import audit
from binhan.reports.models import Priority, Report, Status, TeamType
from binhan.reports.selectors import QueueFilters, report_list

CHUNK_SIZE = 2000
XLSX_MAX_ROWS = 1_048_575  # a worksheet holds 1,048,576 rows, one of them the header
# Cells starting with these run as formulas in spreadsheets (OWASP: CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot carry; openpyxl refuses them.
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

COLUMNS = (
    gettext_lazy("Reference"), gettext_lazy("Reported at"), gettext_lazy("Category"), gettext_lazy("Status"),
    gettext_lazy("Priority"), gettext_lazy("Residential group"), gettext_lazy("Commune"), gettext_lazy("Address"),
    gettext_lazy("Latitude"), gettext_lazy("Longitude"), gettext_lazy("Assigned officer"),
    gettext_lazy("Assigned team"), gettext_lazy("Response due"), gettext_lazy("Closed at"),
    gettext_lazy("What happened"),
)
# Which columns are free text someone typed, and which are times.
TEXT_COLUMNS = frozenset({2, 5, 6, 7, 10, 14})
TIME_COLUMNS = frozenset({1, 12, 13})

# Only what the columns need: the reporter's fields are never even read.
_FIELDS = (
    "id", "created_at", "status", "priority", "address", "lat", "lon", "assigned_team", "due_at", "closed_at",
    "description", "category", "category__name", "category__names", "unit", "unit__name", "unit__names",
    "unit__parent", "unit__parent__name", "unit__parent__names", "assigned_to", "assigned_to__username",
    "assigned_to__first_name", "assigned_to__last_name",
)


def export_queryset(*, viewer, filters: QueueFilters) -> QuerySet[Report]:
    """The reports of the queue with these filters, as the viewer may see them, with what a row needs."""
    return (report_list(viewer=viewer, filters=filters)
            .select_related("category", "unit", "unit__parent", "assigned_to")
            .only(*_FIELDS))


def header() -> list[str]:
    return [str(column) for column in COLUMNS]


def rows(reports: QuerySet[Report], *, limit: int | None = None) -> Iterator[list[Any]]:
    """One list of plain values per report, read from the database in chunks; times local and naive.

    The labels and the time zone are taken now, in the request's language: the rows
    themselves are produced later, while the response streams.
    """
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    zone = timezone.get_current_timezone()
    statuses = {key: str(label) for key, label in Status.choices}
    priorities = {key: str(label) for key, label in Priority.choices}
    teams = {key: str(label) for key, label in TeamType.choices}
    if limit is not None:
        reports = reports[:limit]

    def local(moment: datetime | None) -> datetime | None:
        return timezone.localtime(moment, zone).replace(tzinfo=None) if moment else None

    def generate() -> Iterator[list[Any]]:
        for report in reports.iterator(chunk_size=CHUNK_SIZE):
            unit = report.unit
            parent = unit.parent if unit.parent_id else None
            officer = report.assigned_to
            yield [
                report.reference, local(report.created_at), _name(report.category, language),
                statuses.get(report.status, report.status), priorities.get(report.priority, report.priority),
                _name(unit, language), _name(parent, language) if parent else "", report.address,
                report.lat, report.lon, (officer.get_full_name() or officer.get_username()) if officer else "",
                teams.get(report.assigned_team, ""), local(report.due_at), local(report.closed_at),
                report.description,
            ]

    return generate()


def _name(obj, language: str) -> str:
    return obj.names.get(language) or obj.name


def formula_safe(value: str) -> str:
    """A text cell a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(lines: Iterable[list[Any]], *, rows_per_chunk: int = 200) -> Iterator[bytes]:
    """The header and the rows as UTF-8 CSV (with a byte-order mark, so spreadsheets read the accents)."""
    writer = csv.writer(_Echo())
    first = ("\ufeff" + writer.writerow(header())).encode()  # now, in the request's language

    def generate() -> Iterator[bytes]:
        yield first
        buffer: list[str] = []
        for line in lines:
            buffer.append(writer.writerow([_csv_cell(index, value) for index, value in enumerate(line)]))
            if len(buffer) >= rows_per_chunk:
                yield "".join(buffer).encode()
                buffer.clear()
        if buffer:
            yield "".join(buffer).encode()

    return generate()


def _csv_cell(index: int, value: Any) -> Any:
    if value is None:
        return ""
    if index in TIME_COLUMNS:
        return value.strftime("%Y-%m-%d %H:%M")
    if index in TEXT_COLUMNS:
        return formula_safe(value)
    return value


def write_xlsx(lines: Iterable[list[Any]], target: IO[bytes]) -> int:
    """Write the header and the rows to `target` as an XLSX workbook; return the number of rows.

    openpyxl's write-only mode keeps rows in a temporary file, not in memory. Text is
    stored as text even when it starts with "=", so nothing in the workbook is a formula.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Reports")[:31])
    sheet.append(header())
    count = 0
    for line in lines:
        cells: list[Any] = []
        for index, value in enumerate(line):
            if index in TEXT_COLUMNS and value:
                value = _ILLEGAL_XML.sub("", value)
                if value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"
                    value = cell
            elif index in TIME_COLUMNS and value is not None:
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "yyyy-mm-dd hh:mm"
                value = cell
            cells.append(value)
        sheet.append(cells)
        count += 1
    workbook.save(target)
    return count


def xlsx_file(lines: Iterable[list[Any]]) -> tuple[IO[bytes], int]:
    """The workbook in an anonymous temporary file (gone once closed), rewound, and its row count."""
    target = tempfile.TemporaryFile(suffix=".xlsx")  # the response closes it
    try:
        count = write_xlsx(lines, target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return target, count


def filters_for_audit(filters: QueueFilters) -> dict[str, Any]:
    return {name: value for name, value in filters.__dict__.items()
            if value and name not in ("sort", "extra")}


def record_export(*, viewer, filters: QueueFilters, file_format: str, rows_written: int | None = None) -> None:
    """Who took which reports out of the system, and how: every export leaves an audit row."""
    changes: dict[str, Any] = {"format": file_format, "filters": filters_for_audit(filters)}
    if rows_written is not None:
        changes["rows"] = rows_written
    audit.record(actor=viewer, action="report.export", object_type="reports.report",
                 unit_path=filters.unit_path or None, changes=changes)


def filename(file_format: str) -> str:
    return f"reports-{timezone.localdate():%Y%m%d}.{file_format}"
