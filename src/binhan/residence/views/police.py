"""Pages of the police: the live stay-receipt book, audited search, a stay, lodgings, the export."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from binhan.community import exports as table_exports
from binhan.community.views._common import attach_error, page_of, query_without_page, render_form
from binhan.core import audit, paths, ratelimit, scoping
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Level
from binhan.residence import exports, forms, rules, selectors
from binhan.residence.roles import LODGING_ROLES
from binhan.residence.services import lodgings as lodging_services
from binhan.residence.services import stays as stay_services
from binhan.residence.views._common import require_police


@login_required
def book(request: HttpRequest) -> HttpResponse:
    """Today's arrivals, by lodging, late ones, foreigners: updated live as declarations arrive."""
    require_police(request)
    form = forms.BookFilterForm(request.GET or None)
    filters = selectors.BookFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.BookFilters(day=data["day"], lodging_id=data["lodging"], late=data["late"],
                                        foreigners=data["foreigners"], present=data["present"])
    today = timezone.localdate()
    context = {
        "form": form, "page": page_of(request, selectors.book(viewer=request.user, filters=filters)),
        "figures": selectors.book_figures(viewer=request.user, day=filters.day or today),
        "by_lodging": selectors.arrivals_by_lodging(viewer=request.user, day=filters.day or today),
        "day": filters.day or today, "querystring": query_without_page(request),
    }
    return render_form(request, "residence/book.html", context, form)


@login_required
@ratelimit.rate_limit(scope="stay-search", rate="30/10m", by="user", methods=("GET",))
def search(request: HttpRequest) -> HttpResponse:
    """Search by name or number; each search is audited with the purpose the officer gives."""
    require_police(request)
    form = forms.SearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        kind, stays = selectors.search(viewer=request.user, query=form.cleaned_data["q"])
        results = list(stays[:100])
        stay_services.record_search(viewer=request.user, purpose=form.cleaned_data["purpose"], kind=kind,
                                    results=len(results))
    return render_form(request, "residence/search.html", {"form": form, "results": results}, form)


@login_required
def stay_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One stay in full; the police's read is audited, a host sees their own guest."""
    stay = selectors.stay_get(viewer=request.user, pk=pk)
    if selectors.is_police(request.user) and scoping.can_see_path(request.user, stay.unit_path,
                                                                   roles=stay_services.POLICE_ROLES):
        stay_services.record_read(viewer=request.user, stay=stay)
    return render(request, "residence/stay_detail.html", {
        "stay": stay, "can_check_out": stay.checked_out_at is None and stay_services.can_check_out(request.user, stay)})


@login_required
def lodging_list(request: HttpRequest) -> HttpResponse:
    require_police(request)
    lodgings = selectors.lodging_list(viewer=request.user)
    return render(request, "residence/lodging_list.html", {
        "page": page_of(request, lodgings),
        "can_register": scoping.scope_paths(request.user, LODGING_ROLES) != []})


def _groups(user):
    prefixes = scoping.scope_paths(user, LODGING_ROLES)
    groups = AdministrativeUnit.objects.filter(level=Level.GROUP)
    if prefixes is not None:
        groups = groups.filter(paths.under_any("path", prefixes))
    return groups.order_by("path")


@login_required
def lodging_create(request: HttpRequest) -> HttpResponse:
    """The commune police register a lodging and name its manager."""
    if scoping.scope_paths(request.user, LODGING_ROLES) == []:
        raise PermissionDenied(_("Only the commune police register lodgings in their commune."))
    form = forms.LodgingForm(request.POST or None, groups=_groups(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            lodging = lodging_services.lodging_register(
                actor=request.user, unit=data["unit"], kind=data["kind"], name=data["name"],
                address=data["address"], rooms=data["rooms"] or 0, manager=data["manager"])
        except ServiceError as error:
            attach_error(form, error)
        else:
            return redirect("residence:lodging_detail", pk=lodging.pk)
    return render_form(request, "residence/lodging_form.html", {"form": form}, form)


@never_cache
@login_required
@ratelimit.rate_limit(scope="stay-export", rate="10/10m", by="user", methods=("GET",))
def export(request: HttpRequest, file_format: str) -> HttpResponse:
    """A period of the receipt book (by arrival day), audited with the period."""
    require_police(request)
    form = forms.ExportForm(request.GET or None)
    if not form.is_valid():
        return render_form(request, "residence/export.html", {"form": form}, form)
    since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    zone = rules.local_zone()
    stays = selectors.book(viewer=request.user).filter(
        arrival_at__gte=datetime.combine(since, time.min, tzinfo=zone),
        arrival_at__lt=datetime.combine(until + timedelta(days=1), time.min, tzinfo=zone)).order_by("arrival_at", "id")
    audit.record(actor=request.user, action="residence.stay.export", object_type="residence.stay",
                 changes={"format": file_format, "since": since.isoformat(), "until": until.isoformat()})
    header, rows = exports.book_table(stays)
    name = f"stays-{since:%Y%m%d}-{until:%Y%m%d}.{file_format}"
    if file_format == "csv":
        response = StreamingHttpResponse(table_exports.csv_bytes(header, rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    target, _count = table_exports.xlsx_file(header, rows, _("Stay-receipt book"))
    return FileResponse(target, as_attachment=True, filename=name, content_type=table_exports.XLSX_TYPE)
