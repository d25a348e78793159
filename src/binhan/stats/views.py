"""Statistics pages: a dashboard per unit, comparisons, CSV of every table, manual figures, the public page."""

from __future__ import annotations

import csv
import datetime as dt

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from binhan.core import scoping
from binhan.core.exceptions import ServiceError
from binhan.geo import selectors as geo_selectors
from binhan.geo.models import AdministrativeUnit, Level
from binhan.stats import charts, periods, registry, reports_export, selectors, services
from binhan.stats.forms import ManualEntryForm, ReviewForm
from binhan.stats.models import ManualEntry
from binhan.stats.roles import ENTRY_ROLES

DOMAIN_LABELS = {
    "reports": gettext_lazy("Incident reports"),
    "alerts": gettext_lazy("Alerts"),
    "community": gettext_lazy("Community forces"),
    "manual": gettext_lazy("Figures entered by units"),
    "assessments": gettext_lazy("Safe-standard assessments"),
}
CHILD_COLUMNS = ["reports.received", "reports.clearance_rate", "reports.response_minutes", "community.teams"]
DEFAULT_FOCUS = "reports.received"
PUBLIC_LEVELS = (Level.NATION, Level.PROVINCE, Level.COMMUNE)
TABLES = ("figures", "breakdown", "children", "trend")


def _require_staff(request: HttpRequest) -> None:
    if not request.user.is_staff_member:
        raise PermissionDenied(_("This page is for staff of a unit."))


def domain_label(domain: str) -> str:
    if domain in DOMAIN_LABELS:
        return str(DOMAIN_LABELS[domain])
    try:
        return str(apps.get_app_config(domain).verbose_name)
    except LookupError:
        return domain


def _period(request: HttpRequest, prefix: str = "", default: str = "month") -> periods.Period:
    get = request.GET.get
    return periods.parse(get(prefix + "period"), get(prefix + "date"), get(prefix + "start"), get(prefix + "end"),
                         year=get(prefix + "year"), default=default)


def _bad_request(request: HttpRequest, error: ServiceError) -> HttpResponse:
    return render(request, "stats/bad_request.html", {"message": error.message}, status=400)


def _focus(request: HttpRequest) -> str:
    code = request.GET.get("indicator") or DEFAULT_FOCUS
    if registry.indicator(code) is None:
        raise ServiceError(_("Unknown indicator."), field="indicator")
    return code


def _figures_by_domain(figures: list[selectors.Figure]) -> list[tuple[str, list[selectors.Figure]]]:
    groups: dict[str, list] = {}
    for figure in figures:
        groups.setdefault(figure.indicator.domain, []).append(figure)
    return [(domain_label(domain), items) for domain, items in groups.items()]


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The viewer's own top unit; a choice when they hold roles at several."""
    _require_staff(request)
    roots = selectors.visible_roots(viewer=request.user)
    if len(roots) == 1:
        return redirect("stats:dashboard", pk=roots[0].pk)
    return render(request, "stats/home.html", {"roots": roots})


def _dashboard_data(request: HttpRequest, unit: AdministrativeUnit, *, report: bool = False) -> dict:
    """What the dashboard, its CSV tables and the reports show. A report also reads the units below in the
    previous period (in the same query)."""
    period = _period(request)
    focus = _focus(request)
    codes = [item.code for item in registry.indicators()]
    figures = selectors.figures(unit=unit, codes=codes, period=period, with_breakdown=True)
    columns = [focus, *[c for c in CHILD_COLUMNS if c != focus and registry.indicator(c)]]
    previous: dict[int, dict] = {}
    if unit.level == Level.GROUP:
        kids = []
    elif report:
        compared = selectors.children_compared(unit=unit, codes=columns, period=period)
        kids = [(kid, values) for kid, values, _before in compared]
        previous = {kid.pk: before for kid, _values, before in compared}
    else:
        kids = selectors.children(unit=unit, codes=columns, period=period)
    ranked = sorted(kids, key=lambda row: (row[1][focus] is None, -(row[1][focus] or 0), row[0].code))
    labels, series = selectors.trend(unit=unit, codes=[focus], period=period)
    return {"unit": unit, "period": period, "focus": registry.indicator(focus), "figures": figures,
            "columns": [registry.indicator(c) for c in columns], "children": ranked,
            "children_previous": previous, "trend_labels": labels, "trend": series[focus]}


def _review_choices(period: periods.Period) -> dict:
    """The years a five-year review may end with, newest first, and the one the page's period suggests: its own,
    else the last finished assessment year at most (the one under way is chosen on purpose)."""
    last = periods.latest_five_year()
    chosen = period.end.year if period.kind == "five_year" else min(periods.of("assessment", period.end).end.year,
                                                                   last - 1)
    return {"review_years": list(range(last, periods.FIRST_FIVE_YEAR - 1, -1)), "review_year": chosen}


def _page_data(request: HttpRequest, unit: AdministrativeUnit, *, report: bool = False) -> dict:
    data = _dashboard_data(request, unit, report=report)
    period, focus = data["period"], data["focus"]
    query = period.query() + f"&indicator={focus.code}"
    step_labels = [_bucket_label(b, period) for b in data["trend_labels"]]
    rows = [(kid, reverse("stats:dashboard", args=[kid.pk]) + "?" + query, kid.display_name)
            for kid, _values in data["children"]]
    data.update({
        "breadcrumb": geo_selectors.unit_breadcrumb(unit),
        "by_domain": _figures_by_domain(data["figures"]),
        "breakdowns": [f for f in data["figures"] if f.breakdown],
        "query": query,
        "kinds": periods.KINDS,
        "indicators": registry.indicators(),
        "trend_rows": list(zip(step_labels, data["trend"], strict=True)),
        "line": charts.line_chart(step_labels, [(str(focus.name), data["trend"])]),
        "child_bars": charts.bars([(kid.display_name, values[focus.code]) for kid, values in data["children"]]),
        "map": charts.child_map(rows, [values[focus.code] for _kid, values in data["children"]]),
        "previous": period.previous(),
        "prev_query": period.previous().query() + f"&indicator={focus.code}",
        "next_query": _next_query(period, focus.code),
        **_review_choices(period),
    })
    data["child_rows"] = list(zip(data["children"], data["child_bars"], rows, strict=True))
    return data


def _report_tables(data: dict) -> dict:
    """A report's breakdowns and units below, each value beside the previous period's and the change."""
    breakdowns = [(figure, [(label, value, figure.previous_breakdown.get(key, 0),
                             _change(value, figure.previous_breakdown.get(key, 0)))
                            for key, label, value in figure.breakdown])
                  for figure in data["breakdowns"]]
    focus, before = data["focus"].code, data["children_previous"]
    rows = []
    for kid, values in data["children"]:
        prior = before.get(kid.pk, {}).get(focus)
        rows.append((kid, values, prior, _change(values[focus], prior)))
    return {"breakdown_tables": breakdowns, "children_rows": rows}


def _review_data(unit: AdministrativeUnit, data: dict) -> dict:
    """A five-year review's extra tables: every indicator per assessment year over the ten years (the five
    before, then the five reviewed), one query, and the focus indicator's chart over them."""
    period, focus = data["period"], data["focus"]
    years = periods.assessment_years(period.previous()) + periods.assessment_years(period)
    before_first = periods.of("assessment", years[0].start - dt.timedelta(days=1))  # for the first year's change
    items = registry.indicators()
    values = selectors.yearly(unit=unit, codes=[item.code for item in items], windows=[before_first, *years])
    labels = [year.short_label for year in years]
    shown = values[focus.code][1:]
    line = charts.line_chart(labels, [(data["previous"].label, [*shown[:5], *[None] * 5]),
                                      (period.label, [*[None] * 5, *shown[5:]])])
    return {"years": years, "year_labels": labels, "year_line": line,
            "year_rows": [(domain_label(item.domain), item, values[item.code][1:]) for item in items]}


@login_required
def dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's figures for a period, against the previous one; breakdowns, child units, trend, map."""
    _require_staff(request)
    unit = geo_selectors.unit_get(viewer=request.user, pk=pk)
    try:
        data = _page_data(request, unit)
    except ServiceError as error:
        return _bad_request(request, error)
    return render(request, "stats/dashboard.html", data)


@login_required
def periodic_report(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The dashboard's figures, tables and trend, against the previous period, as a report to hand over:
    PDF (A4), XLSX, or the same page as HTML to print from the browser. With `period=five_year&year=2025`
    it is the five-year review: five assessment years against the five before, and each of the ten years."""
    _require_staff(request)
    if kind not in ("pdf", "xlsx", "html"):
        raise Http404
    unit = geo_selectors.unit_get(viewer=request.user, pk=pk)
    try:
        data = _page_data(request, unit, report=True)
    except ServiceError as error:
        return _bad_request(request, error)
    period = data["period"]
    data.update(_report_tables(data))
    if period.kind == "five_year":
        data.update(_review_data(unit, data))
    name = f"{unit.code}-{period.start.isoformat()}-{period.end.isoformat()}"
    if kind == "html":
        return render(request, "stats/report_print.html", data)
    if kind == "xlsx":
        response = HttpResponse(reports_export.xlsx(data), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    content = reports_export.pdf(data, request)
    if content is None:  # no WeasyPrint here: the same report as a page to print
        return redirect(reverse("stats:report", args=[unit.pk, "html"]) + "?" + request.GET.urlencode())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


def _next(period: periods.Period) -> periods.Period:
    if period.kind == "range":
        return periods.Period("range", period.end + dt.timedelta(days=1), period.end + dt.timedelta(days=period.days))
    if period.kind == "five_year":
        return periods.five_years(period.end.year + 5)
    return periods.of(period.kind, period.end + dt.timedelta(days=1))


def _next_query(period: periods.Period, focus: str) -> str | None:
    """The next period's parameters; none past the five-year review that may be asked for."""
    following = _next(period)
    if following.kind == "five_year" and following.end.year > periods.latest_five_year():
        return None
    return following.query() + f"&indicator={focus}"


def _bucket_label(day: dt.date, period: periods.Period) -> str:
    return day.isoformat() if period.buckets() == "day" else f"{day:%m/%Y}"


def _csv_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # spreadsheet programs then read UTF-8
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return response


@login_required
def table_csv(request: HttpRequest, pk: int, table: str) -> HttpResponse:
    """Any table of the dashboard as CSV, with the same parameters."""
    _require_staff(request)
    if table not in TABLES:
        raise Http404
    unit = geo_selectors.unit_get(viewer=request.user, pk=pk)
    try:
        data = _dashboard_data(request, unit)
    except ServiceError as error:
        return _bad_request(request, error)
    period = data["period"]
    name = f"{unit.code}-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    if table == "figures":
        return _csv_response(name, [_("Indicator"), _("Code"), _("Unit"), _("Value"), _("Previous period"), _("Change (%)")],
                             [[str(f.indicator.name), f.indicator.code, str(f.indicator.unit), f.value, f.previous,
                               f.change] for f in data["figures"]])
    if table == "breakdown":
        return _csv_response(name, [_("Indicator"), _("Key"), _("Label"), _("Value")],
                             [[f.indicator.code, key, label, value] for f in data["figures"]
                              for key, label, value in f.breakdown])
    if table == "children":
        columns = data["columns"]
        return _csv_response(name, [_("Code"), _("Unit"), *[c.code for c in columns]],
                             [[kid.code, kid.display_name, *[values[c.code] for c in columns]]
                              for kid, values in data["children"]])
    return _csv_response(name, [_("From"), data["focus"].code],
                         [[b.isoformat(), v] for b, v in zip(data["trend_labels"], data["trend"], strict=True)])


@login_required
def compare(request: HttpRequest) -> HttpResponse:
    """Two periods of one unit (?unit=&a_…&b_…), or several units in one period (?units=1&units=2…)."""
    _require_staff(request)
    codes = [item.code for item in registry.indicators()]
    try:
        ids = [int(v) for v in request.GET.getlist("units") if v.isdigit()][:8]
        units = [geo_selectors.unit_get(viewer=request.user, pk=pk) for pk in ids]
        period = _period(request, default="year")
        a, b = _period(request, "a_", default="year"), _period(request, "b_", default="year")
    except ServiceError as error:
        return _bad_request(request, error)
    b_chosen = bool(request.GET.get("b_period"))
    if not b_chosen:
        b = a.previous()
    context = {"units": units, "period": period, "a": a, "b": b, "b_chosen": b_chosen, "kinds": periods.KINDS,
               **_review_choices(a),
               "choices": geo_selectors.unit_list(viewer=request.user).filter(
                   level__in=[Level.NATION, Level.PROVINCE, Level.COMMUNE])[:500]}
    if units:
        values = selectors.compare_units(units=units, codes=codes, period=period)
        context["unit_rows"] = [(item, [values[u.pk][item.code] for u in units]) for item in registry.indicators()]
        first = units[0]
        va = {f.indicator.code: f.value for f in selectors.figures(unit=first, codes=codes, period=a)}
        vb = {f.indicator.code: f.value for f in selectors.figures(unit=first, codes=codes, period=b)}
        context["period_rows"] = [(item, va[item.code], vb[item.code], _change(va[item.code], vb[item.code]))
                                  for item in registry.indicators()]
        table = request.GET.get("csv")
        if table == "units":
            return _csv_response(f"compare-units-{period.start.isoformat()}-{period.end.isoformat()}.csv",
                                 [_("Indicator"), _("Code"), *[f"{u.code} {u.display_name}" for u in units]],
                                 [[str(item.name), item.code, *values] for item, values in context["unit_rows"]])
        if table == "periods":
            return _csv_response(f"compare-{first.code}-{a.start.isoformat()}-{b.start.isoformat()}.csv",
                                 [_("Indicator"), _("Code"), a.label, b.label, _("Change (%)")],
                                 [[str(item.name), item.code, now, before, change]
                                  for item, now, before, change in context["period_rows"]])
    return render(request, "stats/compare.html", context)


def _change(now, before):
    if now is None or not before:
        return None
    return round((now - before) * 100 / before, 1)


def public(request: HttpRequest, code: str) -> HttpResponse:
    """Counts and rates only, for a nation, province or commune; any count under 5 is not shown."""
    unit = get_object_or_404(AdministrativeUnit.objects.only("id", "code", "name", "names", "level", "path"),
                             code=code, level__in=PUBLIC_LEVELS)
    try:
        period = _period(request, default="year")
    except ServiceError as error:
        return _bad_request(request, error)
    figures = selectors.public_figures(unit=unit, period=period)
    return render(request, "stats/public.html", {"unit": unit, "period": period, "figures": figures,
                                                 "kinds": periods.KINDS})


# -- manual figures ------------------------------------------------------------------------------


@login_required
def manual_list(request: HttpRequest) -> HttpResponse:
    """Figures entered by the viewer's units and those waiting for the viewer's approval; the entry form."""
    _require_staff(request)
    units = geo_selectors.unit_list(viewer=request.user).filter(level__in=[Level.COMMUNE, Level.PROVINCE]) \
        .filter(pk__in=_entry_unit_ids(request.user))
    form = ManualEntryForm(request.POST or None, units=units)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.manual_submit(actor=request.user, unit=form.cleaned_data["unit"],
                                       indicator=form.cleaned_data["indicator"], month=form.cleaned_data["month"],
                                       value=form.cleaned_data["value"], note=form.cleaned_data["note"])
            except ServiceError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return redirect("stats:manual")
    entries = scoping.visible(ManualEntry.objects.select_related("unit", "entered_by", "reviewed_by"), request.user,
                              roles=ENTRY_ROLES).order_by("-month", "unit_path", "indicator", "id")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    rows = [(entry, registry.indicator(entry.indicator), services.can_review(request.user, entry))
            for entry in page.object_list]
    status = 400 if request.method == "POST" else 200
    return render(request, "stats/manual.html", {"form": form, "page": page, "rows": rows,
                                                 "review_form": ReviewForm()}, status=status)


def _entry_unit_ids(user) -> list[int]:
    prefixes = scoping.scope_paths(user, ENTRY_ROLES)
    if prefixes is scoping.EVERYTHING:
        return list(AdministrativeUnit.objects.filter(level__in=[Level.COMMUNE, Level.PROVINCE]).values_list(
            "id", flat=True)[:2000])
    return list(AdministrativeUnit.objects.filter(path__in=list(prefixes)).values_list("id", flat=True))


@login_required
def manual_review(request: HttpRequest, pk: int) -> HttpResponse:
    _require_staff(request)
    if request.method != "POST":
        return redirect("stats:manual")
    entry = scoping.get_visible_or_404(ManualEntry.objects.all(), request.user, roles=ENTRY_ROLES, pk=pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        return _bad_request(request, ServiceError(_("Choose approve or return."), field="decision"))
    try:
        services.manual_review(actor=request.user, entry=entry, approve=form.cleaned_data["decision"] == "approve",
                               note=form.cleaned_data["note"])
    except ServiceError as error:
        if isinstance(error, services.PermissionDeniedError):
            raise PermissionDenied(error.message) from error
        return _bad_request(request, error)
    return redirect("stats:manual")
