"""The case log book as XLSX, and printable PDFs (minutes, log book) through WeasyPrint.

Text cells are written as text, never formulas (community.exports.xlsx_file does it).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from binhan.community.exports import XLSX_TYPE, xlsx_file
from binhan.mediation.selectors.cases import LogRow

__all__ = ["XLSX_TYPE", "log_book_xlsx", "pdf_from_html"]


def _parties(row: LogRow) -> str:
    parts = []
    for party in row.parties:
        details = [party.full_name]
        if party.age is not None:
            details.append(_("%(age)s years old") % {"age": party.age})
        if party.address:
            details.append(party.address)
        parts.append(", ".join(details))
    return "\n".join(parts)


def log_book_table(rows: list[LogRow]) -> tuple[list[str], Iterator[list[Any]]]:
    header = [_("Number"), _("Reference"), _("Date received"), _("Mediators and invitees"),
              _("Parties (name, age, address)"), _("Main content"), _("Agreement or each side's demands"),
              _("Result"), _("Signatures"), _("Notes")]

    def lines():
        for row in rows:
            people = row.mediators + (f"\n{row.invitees}" if row.invitees else "")
            yield [row.number, row.case.reference, row.received_on, people, _parties(row), row.content,
                   row.agreement, row.result, "", row.notes]

    return header, lines()


def log_book_xlsx(rows: list[LogRow], title: str) -> tuple[IO[bytes], int]:
    header, lines = log_book_table(rows)
    return xlsx_file(header, lines, title)


def pdf_from_html(html: str) -> bytes | None:
    """A4 PDF from a print template, or None where WeasyPrint is not installed (the page prints instead)."""
    try:
        from weasyprint import HTML
    except ImportError:
        return None
    return HTML(string=html).write_pdf()
