"""The team's case log book (page, PDF, XLSX) and the yearly summary page."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import timezone

from binhan.geo import selectors as geo_selectors
from binhan.geo.models import Level
from binhan.mediation import exports, forms
from binhan.mediation.selectors import cases as case_selectors
from binhan.mediation.selectors import summary as summary_selectors
from binhan.mediation.selectors import teams as team_selectors
from binhan.mediation.views._common import pdf_response, render_form, require_staff


def _period(request: HttpRequest) -> tuple[forms.PeriodForm, date, date]:
    today = timezone.localdate()
    form = forms.PeriodForm(request.GET or None, initial={"start": date(today.year, 1, 1), "end": today})
    if form.is_bound and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, date(today.year, 1, 1), today


@login_required
def log_book(request: HttpRequest, pk: int, file_format: str = "") -> HttpResponse:
    """The case log book in the law's columns for any period; as a page, a PDF or an XLSX."""
    require_staff(request)
    team = team_selectors.team_get(viewer=request.user, pk=pk)
    form, start, end = _period(request)
    if form.is_bound and not form.is_valid():
        return render_form(request, "mediation/log_book.html", {"team": team, "form": form, "rows": None}, form)
    rows = case_selectors.log_book(viewer=request.user, team=team, start=start, end=end)
    context = {"team": team, "form": form, "rows": rows, "start": start, "end": end,
               "query": request.GET.urlencode()}
    name = f"so-hoa-giai-{team.unit.code}-{start:%Y%m%d}-{end:%Y%m%d}"
    if file_format == "pdf":
        return pdf_response(request, "mediation/log_book_print.html", context, f"{name}.pdf")
    if file_format == "xlsx":
        target, _count = exports.log_book_xlsx(rows, team.name)
        return FileResponse(target, as_attachment=True, filename=f"{name}.xlsx", content_type=exports.XLSX_TYPE)
    return render_form(request, "mediation/log_book.html", context)


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """The yearly summary of a unit (the viewer's first by default), with one row per team or commune."""
    require_staff(request)
    form = forms.SummaryForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    year = data.get("year") or timezone.localdate().year
    unit = data.get("unit")
    if unit is None:
        roots = list(geo_selectors.unit_roots(viewer=request.user)[:1])
        unit = roots[0] if roots else None
    if unit is None:
        return render_form(request, "mediation/summary.html", {"form": form, "summary": None, "year": year}, form)
    total = summary_selectors.yearly_summary(viewer=request.user, unit=unit, year=year)
    rows = summary_selectors.yearly_breakdown(viewer=request.user, unit=unit, year=year)
    return render_form(request, "mediation/summary.html", {
        "form": form, "summary": total, "rows": rows, "unit": unit, "year": year,
        "by_commune": unit.level in (Level.NATION, Level.PROVINCE)}, form)
