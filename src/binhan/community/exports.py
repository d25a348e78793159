"""CSV and XLSX exports of the models and teams registers: the list's filters, the viewer's scope.

No personal data is exported (member phones and dates of birth never leave through here).
Text cells are made safe from formula injection the way the reports' exports do it.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from binhan.core import audit
from binhan.reports.exports import formula_safe

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def model_table(models: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
    header = [_("Number"), _("Name"), _("Type"), _("Owning unit"), _("Unit code"), _("Status"), _("Start date"),
              _("Last rating"), _("Year rated"), _("Highest recognition"), _("Sites"), _("Teams"),
              _("Replicated from"), _("End date"), _("Reason for ending")]

    def rows():
        for model in models.iterator(chunk_size=2000):
            yield [model.pk, model.name, model.type.display_name, model.unit.display_name, model.unit.code,
                   model.get_status_display(), model.started_on, model.get_last_rating_display(),
                   model.last_rated_year, model.get_recognition_level_display(), model.site_count, model.team_count,
                   model.replicated_from_id, model.ended_on, model.end_reason]

    return header, rows()


def team_table(teams: QuerySet) -> tuple[list[str], Iterator[list[Any]]]:
    header = [_("Number"), _("Name"), _("Residential group"), _("Group code"), _("Commune"), _("Established on"),
              _("Decision number"), _("Population"), _("Active members"), _("Expected size"), _("Status")]

    def rows():
        for team in teams.iterator(chunk_size=2000):
            yield [team.pk, team.name, team.unit.display_name, team.unit.code, team.commune.display_name,
                   team.established_on, team.decision_number, team.population, team.active_members,
                   team.expected_size, team.get_status_display()]

    return header, rows()


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return formula_safe(value)
    return value


def csv_bytes(header: list[str], rows: Iterator[list[Any]]) -> Iterator[bytes]:
    """UTF-8 CSV with a byte-order mark (spreadsheets then read the accents), streamed in chunks."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(header)
    for number, row in enumerate(rows, start=1):
        writer.writerow([_cell(value) for value in row])
        if number % 500 == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def xlsx_file(header: list[str], rows: Iterator[list[Any]], title: str) -> tuple[IO[bytes], int]:
    """A write-only workbook in a temporary file (rows never all in memory), rewound, and its row count."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    count = 0
    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, str) and value:
                cell = WriteOnlyCell(sheet, value=value)
                cell.data_type = "s"  # text stays text, never a formula
                value = cell
            cells.append("" if value is None else value)
        sheet.append(cells)
        count += 1
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target, count


def record_export(*, viewer, what: str, file_format: str, filters: dict) -> None:
    audit.record(actor=viewer, action=f"community.{what}.export", object_type=f"community.{what}",
                 changes={"format": file_format, "filters": {k: v for k, v in filters.items() if v}})


def filename(what: str, file_format: str) -> str:
    return f"{what}-{timezone.localdate():%Y%m%d}.{file_format}"
