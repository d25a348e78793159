"""The periodic report of a unit (month, quarter, year, assessment year, a five-year range) as PDF and XLSX:
the headline figures against the previous period, the breakdowns, the units below and the trend, in the
reader's language."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import gettext as _


def xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    sheet.append([str(data["unit"].display_name), data["period"].label, str(data["period"].start),
                  str(data["period"].end)])
    sheet.append([_("Indicator"), _("Unit"), _("Value"), _("Previous period"), _("Change (%)")])
    for figure in data["figures"]:
        sheet.append([str(figure.indicator.name), str(figure.indicator.unit), figure.value, figure.previous,
                      figure.change])
    breakdown = book.create_sheet(_("Breakdowns")[:31])
    breakdown.append([_("Indicator"), _("Label"), _("Value")])
    for figure in data["figures"]:
        for _key, label, value in figure.breakdown:
            breakdown.append([str(figure.indicator.name), label, value])
    children = book.create_sheet(_("Units below")[:31])
    children.append([_("Unit"), *[str(column.name) for column in data["columns"]]])
    for kid, values in data["children"]:
        children.append([kid.display_name, *values.values()])
    trend = book.create_sheet(_("Trend")[:31])
    trend.append([_("When"), str(data["focus"].name)])
    for label, value in data["trend_rows"]:
        trend.append([label, value])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(data: dict, request) -> bytes | None:
    """The PDF through WeasyPrint, or None where it is not installed (the page prints from the browser)."""
    try:
        from weasyprint import HTML
    except ImportError:
        return None
    html = render_to_string("stats/report_print.html", data, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
