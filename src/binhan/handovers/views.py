"""Pages of the police for handovers: the register with totals and stock, recording, a handover with its
chain of custody, the printable receipt, exchange programmes."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from binhan.community.views._common import attach_error, page_of, query_without_page, render_form
from binhan.core import paths, scoping
from binhan.core.exceptions import ServiceError
from binhan.geo.models import AdministrativeUnit, Household, Level
from binhan.handovers import forms, selectors
from binhan.handovers.roles import POLICE_ROLES
from binhan.handovers.services import handovers as services


def _require_police(request: HttpRequest) -> None:
    if not selectors.is_police(request.user):
        raise PermissionDenied(_("Handovers are for the police."))


def _units(user, levels) -> object:
    prefixes = scoping.scope_paths(user, POLICE_ROLES)
    units = AdministrativeUnit.objects.filter(level__in=levels)
    if prefixes is not None:
        units = units.filter(paths.under_any("path", prefixes))
    return units.order_by("path")


@login_required
def handover_list(request: HttpRequest) -> HttpResponse:
    _require_police(request)
    form = forms.PeriodForm(request.GET or None)
    since = until = None
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
    handovers = selectors.handover_list(viewer=request.user, since=since, until=until)
    return render_form(request, "handovers/list.html", {
        "form": form, "page": page_of(request, handovers), "querystring": query_without_page(request),
        "totals": selectors.handover_totals(viewer=request.user, since=since, until=until),
        "stock": selectors.stock(viewer=request.user)}, form)


def _item_rows(request: HttpRequest, total: int) -> list[dict]:
    names = list(forms.ItemForm.base_fields)
    return [{name: request.POST.get(f"items-{i}-{name}", "") for name in names} for i in range(total)]


@login_required
def handover_create(request: HttpRequest) -> HttpResponse:
    """Record a handover: who (or anonymous), when, where, the items, an exchange."""
    _require_police(request)
    communes = _units(request.user, [Level.COMMUNE])
    programmes = selectors.programmes_for_viewer(viewer=request.user)
    form = forms.HandoverForm(request.POST or None, communes=communes, programmes=programmes)
    if request.method == "POST" and "add_item" in request.POST:
        try:
            total = min(int(request.POST.get("items-TOTAL_FORMS", "1")), 19)
        except ValueError:
            total = 1
        items = forms.ItemFormSet(prefix="items", initial=[*_item_rows(request, max(total, 0)), {}])
        form = forms.HandoverForm(initial=request.POST.dict(), communes=communes, programmes=programmes)
        return render(request, "handovers/form.html", {"form": form, "items": items})
    items = forms.ItemFormSet(request.POST or None, prefix="items")
    if request.method == "POST" and form.is_valid() and items.is_valid():
        data = form.cleaned_data
        try:
            household = None
            if data["household"]:
                household = scoping.get_visible_or_404(Household.objects.all(), request.user, roles=POLICE_ROLES,
                                                       pk=data["household"])
            handover = services.handover_record(
                actor=request.user, commune=data["unit"], received_on=data["received_on"], place=data["place"],
                anonymous=data["anonymous"], donor_name=data["donor_name"], donor_id_number=data["donor_id_number"],
                donor_address=data["donor_address"], household=household, note=data["note"],
                programme=data["programme"], reward_quantity=data["reward_quantity"] or 1,
                items=[item.cleaned_data for item in items.forms])
        except ServiceError as error:
            if error.field and error.field.startswith("items["):
                index = int(error.field[6:error.field.index("]")])
                items.forms[index].add_error(error.field.split(".", 1)[1], error.message)
            else:
                attach_error(form, error)
        else:
            messages.success(request, _("Handover recorded with receipt number %(number)s.")
                             % {"number": handover.number})
            return redirect("handovers:detail", pk=handover.pk)
    return render_form(request, "handovers/form.html", {"form": form, "items": items}, form, items)


@login_required
def handover_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A handover, each item with its chain of custody and a form to move it on."""
    _require_police(request)
    handover = selectors.handover_get(viewer=request.user, pk=pk)
    return render(request, "handovers/detail.html", {
        "handover": handover, "move_form": forms.MoveForm(initial={"moved_on": handover.received_on})})


@login_required
def receipt_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The numbered receipt, A4 PDF (WeasyPrint); printing it is an audited read of the donor's details."""
    _require_police(request)
    handover = selectors.handover_get(viewer=request.user, pk=pk)
    services.record_receipt_read(viewer=request.user, handover=handover)
    html = render_to_string("handovers/receipt.html", {"handover": handover}, request=request)
    try:
        from weasyprint import HTML
    except ImportError:  # optional: the receipt page prints from the browser too
        return HttpResponse(html)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="receipt-{handover.number}.pdf"'
    return response


@login_required
@require_POST
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    _require_police(request)
    item = selectors.item_get(viewer=request.user, pk=pk)
    form = forms.MoveForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        source, target = data["route"].split(":")
        try:
            services.item_move(actor=request.user, item=item, from_place=source, to_place=target,
                               quantity=data["quantity"], moved_on=data["moved_on"],
                               document_number=data["document_number"])
        except ServiceError as error:
            if isinstance(error, services.PermissionDeniedError):
                raise PermissionDenied(error.message) from None
            attach_error(form, error)
        else:
            messages.success(request, _("The movement is recorded."))
            return redirect("handovers:detail", pk=item.handover_id)
    handover = selectors.handover_get(viewer=request.user, pk=item.handover_id)
    return render(request, "handovers/detail.html", {"handover": handover, "move_form": form, "move_item": item.pk},
                  status=400)


@login_required
@require_POST
def add_photos(request: HttpRequest, pk: int) -> HttpResponse:
    _require_police(request)
    handover = selectors.handover_get(viewer=request.user, pk=pk)
    try:
        services.handover_add_photos(actor=request.user, handover=handover, uploads=request.FILES.getlist("photos"))
    except ServiceError as error:
        messages.error(request, error.message)
        return render(request, "handovers/detail.html", {
            "handover": selectors.handover_get(viewer=request.user, pk=pk),
            "move_form": forms.MoveForm(initial={"moved_on": handover.received_on})}, status=400)
    return redirect("handovers:detail", pk=handover.pk)


@login_required
def photo_file(request: HttpRequest, pk: int) -> HttpResponse:
    """A photo, only to the police of its unit; served by the app, never from a public media URL."""
    _require_police(request)
    photo = selectors.photo_get(viewer=request.user, pk=pk)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def programme_list(request: HttpRequest) -> HttpResponse:
    _require_police(request)
    units = _units(request.user, [Level.COMMUNE, Level.PROVINCE])
    form = forms.ProgrammeForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.programme_create(actor=request.user, unit=data["unit"], name=data["name"], reward=data["reward"],
                                      reward_description=data["reward_description"], starts_on=data["starts_on"],
                                      ends_on=data["ends_on"])
        except ServiceError as error:
            attach_error(form, error)
        else:
            return redirect("handovers:programmes")
    return render_form(request, "handovers/programmes.html", {
        "form": form, "page": page_of(request, selectors.programme_list(viewer=request.user))}, form)
