"""Public firefighting points: the list with their state, registering one, its page and equipment."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from binhan.core.exceptions import ServiceError
from binhan.firesafety import forms, rules
from binhan.firesafety.models import Inspection
from binhan.firesafety.selectors import points as point_selectors
from binhan.firesafety.services import points as point_services
from binhan.firesafety.views._common import (
    attach_error,
    can_keep,
    chosen_unit,
    kept_units,
    page_of,
    posted,
    query_without_page,
    render_form,
    require_keeper,
    require_staff,
)
from binhan.firesafety.views.equipment import _add


@login_required
def point_list(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.UnitFilterForm(request.GET or None)
    unit = chosen_unit(request) if not form.is_bound or form.is_valid() else None
    page = page_of(request, point_selectors.point_list(viewer=request.user, unit=unit))
    for point in page.object_list:
        point.state = point_selectors.state_of(point)
        point.alley_warning = rules.alley_warning(point.alley_length_m)
    return render_form(request, "firesafety/point_list.html", {
        "page": page, "unit": unit, "querystring": query_without_page(request),
        "can_create": kept_units(request).exists()}, form)


@login_required
def point_create(request: HttpRequest) -> HttpResponse:
    require_staff(request)
    form = forms.PointForm(posted(request), groups=kept_units(request))
    if request.method == "POST" and form.is_valid():
        try:
            point = point_services.point_create(actor=request.user, **form.cleaned_data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            return redirect("firesafety:point_detail", pk=point.pk)
    return render_form(request, "firesafety/form.html", {
        "form": form, "title": _("Register a public firefighting point"), "submit": _("Register the point")}, form)


@login_required
def point_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_staff(request)
    point = point_selectors.point_get(viewer=request.user, pk=pk)
    require_keeper(request, point.unit_path)
    fields = ("name", "alley", "alley_length_m", "lat", "lon", "has_sign", "has_shelter", "responsible")
    form = forms.PointForm(posted(request), editing=True, initial={f: getattr(point, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        try:
            point_services.point_update(actor=request.user, point=point, **form.cleaned_data)
        except ServiceError as error:
            attach_error(form, error)
        else:
            return redirect("firesafety:point_detail", pk=point.pk)
    return render_form(request, "firesafety/form.html", {
        "form": form, "title": _("Edit the point"), "submit": _("Save")}, form)


@login_required
def point_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A point, its state, equipment (add an item here) and inspections."""
    require_staff(request)
    point = point_selectors.point_get(viewer=request.user, pk=pk)
    keeper = can_keep(request, point.unit_path)
    form = forms.EquipmentForm(posted(request)) if request.method == "POST" else None
    if form is not None:
        require_keeper(request, point.unit_path)
        if _add(request, form, point=point, source="point"):
            return redirect("firesafety:point_detail", pk=point.pk)
    return render_form(request, "firesafety/point_detail.html", {
        "point": point, "state": point_selectors.state_of(point), "can_keep": keeper,
        "alley_warning": rules.alley_warning(point.alley_length_m),
        "items": point.equipment.filter(retired_on__isnull=True).select_related("type").order_by("type__order", "id"),
        "inspections": Inspection.objects.filter(point=point).order_by("-inspected_on", "-id")[:10],
        "form": form or forms.EquipmentForm()}, form)
