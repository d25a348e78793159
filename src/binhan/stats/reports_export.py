"""The periodic report of a unit (month, quarter, year, assessment year, any range, and the five-year review)
as PDF and XLSX: the headline figures against the previous period, the breakdowns, the units below and the
trend, in the reader's language (sheets read right to left in Persian)."""

from __future__ import annotations

import io

from django.template.loader import render_to_string
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _


def xlsx(data: dict) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")[:31]
    period, previous = data["period"], data["previous"]
    sheet.append([str(data["unit"].display_name), period.label, str(period.start), str(period.end)])
    sheet.append([_("Indicator"), _("Unit"), period.label, previous.label, _("Change (%)")])
    for figure in data["figures"]:
        sheet.append([str(figure.indicator.name), str(figure.indicator.unit), figure.value, figure.previous,
                      figure.change])
    if data.get("years"):
        # The five-year review: each assessment year, the five before the reviewed five first.
        per_year = book.create_sheet(_("Per year")[:31])
        per_year.append([_("Domain"), _("Code"), _("Indicator"), _("Unit"), *data["year_labels"]])
        for domain, item, values in data["year_rows"]:
            per_year.append([domain, item.code, str(item.name), str(item.unit), *values])
    breakdown = book.create_sheet(_("Breakdowns")[:31])
    breakdown.append([_("Indicator"), _("Label"), period.label, previous.label, _("Change (%)")])
    for figure, rows in data["breakdown_tables"]:
        for label, value, before, change in rows:
            breakdown.append([str(figure.indicator.name), label, value, before, change])
    children = book.create_sheet(_("Units below")[:31])
    focus = data["focus"]
    children.append([_("Code"), _("Unit"), f"{focus.name}: {period.label}", f"{focus.name}: {previous.label}",
                     _("Change (%)"), *[str(column.name) for column in data["columns"][1:]]])
    for kid, values, before, change in data["children_rows"]:
        now, *others = values.values()
        children.append([kid.code, kid.display_name, now, before, change, *others])
    trend = book.create_sheet(_("Trend")[:31])
    trend.append([_("When"), str(focus.name)])
    for label, value in data["trend_rows"]:
        trend.append([label, value])
    if get_language_bidi():
        for each in book.worksheets:
            each.sheet_view.rightToLeft = True
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def pdf(data: dict, request) -> bytes | None:
    """The PDF through WeasyPrint, or None where it is not installed (the HTML report prints from the browser)."""
    try:
        from weasyprint import HTML
    except ImportError:
        return None
    html = render_to_string("stats/report_print.html", data, request=request)
    return HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
